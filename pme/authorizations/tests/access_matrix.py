"""Access decisions for every request URL, for every persona (see tests/test_permission_matrix.py).

Role pages answer 403 to other roles; a request page answers 404 to anyone who may not see that request,
exactly as for an unknown id. The collaborator persona has the consult permission only.
"""

from __future__ import annotations

from tests.personas import PERSONAS

LOGGED_IN = PERSONAS[1:]


def rows(default: int, **overrides: int) -> dict[str, int]:
    return {"anonymous": 302, **dict.fromkeys(LOGGED_IN, default), **overrides}


WRITERS_PAGE = rows(403, prescriber=200, other_prescriber=200)
OWN_ONLY = rows(404)

ROWS: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = {
    ("authorizations:list", (), "GET"): rows(
        403, prescriber=200, other_prescriber=200, collaborator=200, other_collaborator=200
    ),
    ("authorizations:new", (), "GET"): WRITERS_PAGE,
    ("authorizations:new_exception", ("@request_indication",), "GET"): WRITERS_PAGE,
    ("authorizations:new_exceptional_patient", (), "GET"): WRITERS_PAGE,
    ("authorizations:detail", ("@sent_request",), "GET"): rows(
        404, prescriber=200, collaborator=200, reviewer=200
    ),
    ("authorizations:edit", ("@draft_request",), "GET"): rows(404, prescriber=200),
    ("authorizations:transmit", ("@draft_request",), "POST"): rows(404, prescriber=302),
    ("authorizations:withdraw", ("@sent_request",), "GET"): rows(404, prescriber=200),
    ("authorizations:answer", ("@sent_request",), "GET"): rows(404, prescriber=302),
    ("authorizations:ask_review", ("@sent_request",), "GET"): rows(404, prescriber=302),
    ("authorizations:renew", ("@accepted_request",), "POST"): rows(404, prescriber=302),
    ("authorizations:attachment", ("@attachment",), "GET"): rows(
        404, prescriber=200, collaborator=200, reviewer=200
    ),
}
