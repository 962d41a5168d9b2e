# The personas and shared fixtures live in tests/personas.py; every test of the project sees them.
pytest_plugins = ["tests.personas"]
