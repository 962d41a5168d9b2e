# The personas and shared fixtures live in tests/personas.py; every test of the project sees them.
# Apps' fixtures that cross-app tests (the permission matrix) use are registered here too.
pytest_plugins = ["tests.personas", "pme.audit.tests.fixtures"]
