"""Access decisions for every review URL, for every persona (see tests/test_permission_matrix.py).

Review pages are a role area: 403 for every other role (collaborators and pharmacists included), a
redirect to the login page for anonymous visitors. The `reviewer` persona is not a supervisor: reassigning
answers 403 to them too. Decision pages redirect (302) a reviewer who has not taken the request.
A decision letter answers like the request it belongs to: 404 for anyone who may not see the request.
"""

from __future__ import annotations

from tests.personas import PERSONAS

LOGGED_IN = PERSONAS[1:]


def rows(default: int, **overrides: int) -> dict[str, int]:
    return {"anonymous": 302, **dict.fromkeys(LOGGED_IN, default), **overrides}


REVIEWERS_ONLY = rows(403, reviewer=200)

ROWS: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = {
    ("review:queue", (), "GET"): REVIEWERS_ONLY,
    ("review:detail", ("@sent_request",), "GET"): REVIEWERS_ONLY,
    ("review:take", ("@sent_request",), "POST"): rows(403, reviewer=302),
    ("review:reassign", ("@sent_request",), "GET"): rows(403),
    ("review:accept", ("@sent_request",), "GET"): rows(403, reviewer=302),
    ("review:refuse", ("@sent_request",), "GET"): rows(403, reviewer=302),
    ("review:request_information", ("@sent_request",), "GET"): rows(403, reviewer=302),
    ("review:letter", ("@refused_decision",), "GET"): rows(
        404, prescriber=200, collaborator=200, reviewer=200
    ),
    ("review:metrics", (), "GET"): REVIEWERS_ONLY,
    ("review:metrics_csv", (), "GET"): REVIEWERS_ONLY,
}
