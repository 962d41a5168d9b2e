"""Access decisions for the look-ups, for every persona (see tests/test_permission_matrix.py).

Both are role pages: other roles get 403. Without a search kept in the session, a results page sends the
user back to the form (302); an empty form posted answers 400 with its errors.
"""

from __future__ import annotations

from tests.personas import PERSONAS

LOGGED_IN = PERSONAS[1:]
PANORAMA_USERS = ("prescriber", "collaborator", "other_prescriber", "other_collaborator")


def rows(default: int, users: tuple[str, ...], status: int) -> dict[str, int]:
    return {"anonymous": 302, **dict.fromkeys(LOGGED_IN, default), **dict.fromkeys(users, status)}


ROWS: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = {
    ("consultation:panorama", (), "GET"): rows(403, PANORAMA_USERS, 200),
    ("consultation:panorama", (), "POST"): rows(403, PANORAMA_USERS, 400),
    ("consultation:panorama_results", (), "GET"): rows(403, PANORAMA_USERS, 302),
    ("consultation:status_lookup", (), "GET"): rows(403, ("pharmacist",), 200),
    ("consultation:status_lookup", (), "POST"): rows(403, ("pharmacist",), 400),
    ("consultation:status_results", (), "GET"): rows(403, ("pharmacist",), 302),
}
