"""The catalogue is public: every persona, logged in or not, reads it."""

from tests.personas import PERSONAS

OPEN = dict.fromkeys(PERSONAS, 200)
NOT_FOUND = dict.fromkeys(PERSONAS, 404)

ROWS = {
    ("catalogue:list", (), "GET"): OPEN,
    ("catalogue:suggest", (), "GET"): OPEN,
    ("catalogue:drug", ("@public_drug",), "GET"): OPEN,
    ("catalogue:drug", ("999999",), "GET"): NOT_FOUND,
}
