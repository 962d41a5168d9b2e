"""Who may open the audit trail's pages: the privacy officer only (tests/test_permission_matrix.py)."""

from __future__ import annotations

OTHERS = ("prescriber", "collaborator", "other_prescriber", "other_collaborator", "pharmacist", "reviewer")


def only_officer(officer_status: int) -> dict[str, int]:
    """Anonymous visitors are sent to the login page; every other role is refused (403)."""
    return {
        "anonymous": 302,
        **dict.fromkeys(OTHERS, 403),
        "access_admin": 403,
        "privacy_officer": officer_status,
    }


ROWS: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = {
    ("audit:events", (), "GET"): only_officer(200),
    ("audit:events", (), "POST"): only_officer(302),  # an empty search is valid: all events
    ("audit:events_csv", (), "GET"): only_officer(200),
    ("audit:person_report", (), "GET"): only_officer(200),
    ("audit:person_report", (), "POST"): only_officer(400),  # the NAM is required
    ("audit:person_report_csv", (), "GET"): only_officer(302),  # no search yet: back to the form
    ("audit:yearly_report", (), "GET"): only_officer(200),
    ("audit:yearly_report_csv", (), "GET"): only_officer(200),
    ("audit:signals", (), "GET"): only_officer(200),
    ("audit:incidents", (), "GET"): only_officer(200),
    ("audit:incident_new", (), "GET"): only_officer(200),
    ("audit:incident_new", (), "POST"): only_officer(400),
    ("audit:incident", ("@incident",), "GET"): only_officer(200),
    ("audit:incident_edit", ("@incident",), "GET"): only_officer(200),
    ("audit:incident_edit", ("@incident",), "POST"): only_officer(400),
}
