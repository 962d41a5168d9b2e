"""Access decisions for every accounts URL, for every persona (see tests/test_permission_matrix.py).

Role pages answer 403 to the other roles; object pages answer 404 to anyone but their owner, so ids
cannot be probed. Anonymous visitors are sent to the login page (302).
"""

from __future__ import annotations

from tests.personas import PERSONAS

LOGGED_IN = PERSONAS[1:]


def rows(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    return {"anonymous": anonymous, **dict.fromkeys(LOGGED_IN, default), **overrides}


PRESCRIBERS = {"prescriber": 200, "other_prescriber": 200}
COLLABORATORS = {"collaborator": 200, "other_collaborator": 200}
STAFF = ("reviewer", "access_admin", "privacy_officer")

ROWS: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = {
    # Everyone's own account
    ("accounts:password_change", (), "GET"): rows(200),
    ("accounts:password_reset", (), "GET"): rows(200, anonymous=200),
    ("accounts:password_reset_confirm", ("MQ", "not-a-token"), "GET"): rows(404, anonymous=404),
    ("accounts:security", (), "GET"): rows(200),
    ("accounts:email_verify_send", (), "POST"): rows(302),
    ("accounts:email_verify", ("not-a-token",), "GET"): rows(404, anonymous=404),
    ("accounts:otp_setup", (), "GET"): rows(200),
    ("accounts:api_tokens", (), "GET"): rows(200),
    ("accounts:api_token_revoke", ("@prescriber_api_token",), "POST"): rows(404, prescriber=302),
    # Already verified (staff) or nothing to verify yet (others): both are sent on.
    ("accounts:otp_verify", (), "GET"): rows(302),
    # Staff have a device: new codes. The others have none: sent to the set-up page.
    ("accounts:recovery_codes", (), "POST"): rows(302, **dict.fromkeys(STAFF, 200)),
    # Prescribers
    ("accounts:collaborators", (), "GET"): rows(403, **PRESCRIBERS),
    ("accounts:delegation_invite", (), "GET"): rows(403, **PRESCRIBERS),
    ("accounts:delegation_remove", ("@collaborator_delegation",), "GET"): rows(404, prescriber=200),
    ("accounts:delegation_remove", ("@collaborator_delegation",), "POST"): rows(404, prescriber=302),
    ("accounts:access_request_new", (), "GET"): rows(403, **PRESCRIBERS),
    ("accounts:access_request_detail", ("@access_request_awaiting",), "GET"): rows(404, prescriber=200),
    ("accounts:access_request_cancel", ("@access_request_awaiting",), "POST"): rows(404, prescriber=302),
    ("accounts:access_request_resend", ("@access_request_awaiting",), "POST"): rows(404, prescriber=302),
    ("accounts:access_request_letter", ("@access_request_approved",), "GET"): rows(
        404, prescriber=200, access_admin=200
    ),
    # The person named in a request, through the one-time link (an unknown token is a 404 for all)
    ("accounts:access_request_complete", ("not-a-token",), "GET"): rows(404, anonymous=404),
    # Collaborators
    ("accounts:my_prescribers", (), "GET"): rows(403, **COLLABORATORS),
    ("accounts:delegation_accept", ("@invitation",), "POST"): rows(404, collaborator=302),
    ("accounts:delegation_decline", ("@invitation",), "POST"): rows(404, collaborator=302),
    # Access administrators
    ("accounts:regie_queue", (), "GET"): rows(403, access_admin=200),
    ("accounts:regie_access_request", ("@access_request_submitted",), "GET"): rows(404, access_admin=200),
    ("accounts:regie_access_request_approve", ("@access_request_submitted",), "POST"): rows(
        404, access_admin=302
    ),
    # An empty refusal (no reason) is refused with 400.
    ("accounts:regie_access_request_refuse", ("@access_request_submitted",), "POST"): rows(
        404, access_admin=400
    ),
    ("accounts:regie_accounts", (), "GET"): rows(403, access_admin=200),
    ("accounts:regie_account", ("@collaborator",), "GET"): rows(404, access_admin=200),
    ("accounts:regie_account_deactivate", ("@collaborator",), "POST"): rows(404, access_admin=400),
    ("accounts:regie_account_reactivate", ("@collaborator",), "POST"): rows(404, access_admin=302),
    ("accounts:regie_account_temporary_password", ("@collaborator",), "POST"): rows(404, access_admin=302),
}
