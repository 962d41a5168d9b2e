"""Access decisions for every API and FHIR route, for every persona, called with a bearer token
(tests/test_permission_matrix.py). No token: 401. Role operations answer 403 to other roles before the
body is read; object operations answer 404 to anyone who may not see the object, as for an unknown id.
A POST without a body, by someone allowed, is refused as a bad request (400)."""

from __future__ import annotations

from tests.personas import PERSONAS

LOGGED_IN = PERSONAS[1:]
OPEN = dict.fromkeys(PERSONAS, 200)
WRITERS = ("prescriber", "collaborator", "other_prescriber", "other_collaborator")


def rows(default: int, **overrides: int) -> dict[str, int]:
    return {"anonymous": 401, **dict.fromkeys(LOGGED_IN, default), **overrides}


def writers(status: int, others: int = 403) -> dict[str, int]:
    return rows(others, **dict.fromkeys(WRITERS, status))


VISIBLE_TO_OWNERS = rows(404, prescriber=200, collaborator=200, reviewer=200)

ROWS: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = {
    ("api:api-root", (), "GET"): dict.fromkeys(PERSONAS, 404),
    ("api:openapi-json", (), "GET"): OPEN,
    ("api:openapi-view", (), "GET"): OPEN,
    # Public reference data, as the catalogue pages.
    ("api:catalogue_drugs", (), "GET"): OPEN,
    ("api:catalogue_drug", ("@public_drug",), "GET"): OPEN,
    ("api:catalogue_drug", ("999999",), "GET"): dict.fromkeys(PERSONAS, 404),
    ("api:catalogue_indication", ("@request_indication",), "GET"): OPEN,
    # Requests
    ("api:requests", (), "GET"): writers(200),
    ("api:requests", (), "POST"): writers(400),
    ("api:request", ("@sent_request",), "GET"): VISIBLE_TO_OWNERS,
    # A draft the prescriber entered: theirs only (a collaborator sees the drafts they entered).
    ("api:request", ("@draft_request",), "GET"): rows(404, prescriber=200),
    ("api:request_submit", ("@draft_request",), "POST"): writers(404, others=403) | {"prescriber": 200},
    ("api:request_answer", ("@sent_request",), "POST"): writers(400),
    ("api:request_withdraw", ("@sent_request",), "POST"): writers(400),
    # Look-ups by insured person
    ("api:consultation_panorama", (), "POST"): writers(400),
    ("api:consultation_status", (), "POST"): rows(403, pharmacist=400),
    # Régie review
    ("api:review_queue", (), "GET"): rows(403, reviewer=200),
    ("api:review_refusal_reasons", (), "GET"): rows(403, reviewer=200),
    ("api:review_take", ("@sent_request",), "POST"): rows(403, reviewer=200),
    ("api:review_decide", ("@sent_request",), "POST"): rows(403, reviewer=400),
    # FHIR
    ("fhir:metadata", (), "GET"): OPEN,
    ("fhir:claim_response", ("@sent_request",), "GET"): VISIBLE_TO_OWNERS,
    ("fhir:claim_submit", (), "POST"): writers(400),
    ("fhir:claim_inquire", (), "POST"): writers(400),
}
