# The personas and shared fixtures live in tests/personas.py; every test of the project sees them.
# App fixtures that the permission matrix (tests/) points at ("@name") are plugins too.
pytest_plugins = [
    "tests.personas",
    "pme.accounts.tests.fixtures",
    "pme.audit.tests.fixtures",
    "pme.catalogue.tests.fixtures",
    "pme.authorizations.tests.fixtures",
    "pme.review.tests.fixtures",
]
