"""Every action the audit trail can record, with the sentence the privacy officer reads.

One registry for the whole service: `record(...)` takes an `AuditCode` and refuses any other value, so
a code without a sentence cannot reach the trail. Adding an action means adding a member here and its
sentence in SENTENCES (`pme/audit/tests/test_codes.py` fails otherwise); the French catalogue of the
audit app holds the translations. Codes are stored as their string value, so renaming a member is
harmless but changing a value orphans the events already recorded under it.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AuditCode(StrEnum):
    # Reads of personal information, and refused reads.
    ACCESS_DENIED = "access.denied"
    INSURED_SEARCHED = "insured.searched"
    REQUEST_VIEWED = "request.viewed"
    REQUEST_LIST_VIEWED = "request.list_viewed"
    REQUEST_LISTED = "request.listed"
    ATTACHMENT_DOWNLOADED = "attachment.downloaded"
    LETTER_DOWNLOADED = "decision.letter_downloaded"
    LETTER_PREVIEWED = "decision.letter_previewed"
    QUEUE_VIEWED = "review.queue_viewed"
    COVERAGE_CHECKED = "insured.coverage_checked"
    PRESCRIBING_ADVICE_GIVEN = "insured.prescribing_advice_given"
    PREFILL_OPENED = "request.prefill_opened"
    # Requests: changes.
    DRAFT_SAVED = "request.draft_saved"
    REQUEST_SUBMITTED = "request.submitted"
    REQUEST_ACCEPTED = "request.accepted"
    # A submission whose criteria are all met, accepted at once: one event for the sending and the decision.
    REQUEST_SUBMITTED_ACCEPTED = "request.submitted_accepted"
    REQUEST_REFUSED = "request.refused"
    INFORMATION_REQUESTED = "request.information_requested"
    REQUEST_ANSWERED = "request.answered"
    REVIEW_ASKED = "request.review_asked"
    REQUEST_WITHDRAWN = "request.withdrawn"
    REQUEST_TAKEN = "review.taken"
    REQUEST_REASSIGNED = "review.reassigned"
    ATTACHMENT_ADDED = "attachment.added"
    EXPIRY_REMINDED = "request.expiry_reminded"
    NOTICE_SENT = "review.notice_sent"
    NOTICE_FAILED = "review.notice_failed"
    # Sign-in and account security.
    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGIN_THROTTLED = "auth.login_throttled"
    LOGOUT = "auth.logout"
    SESSION_EXPIRED = "auth.session_expired"
    TEMPORARY_PASSWORD_USED = "auth.temporary_password_used"
    PASSWORD_CHANGED = "account.password_changed"
    PASSWORD_RESET_REQUESTED = "account.password_reset_requested"
    PASSWORD_RESET = "account.password_reset"
    EMAIL_VERIFICATION_SENT = "account.email_verification_sent"
    EMAIL_VERIFIED = "account.email_verified"
    MFA_DEVICE_CONFIRMED = "mfa.device_confirmed"
    MFA_ENROLMENT_FAILED = "mfa.enrolment_failed"
    MFA_VERIFIED = "mfa.verified"
    MFA_FAILED = "mfa.failed"
    MFA_RECOVERY_CODES_GENERATED = "mfa.recovery_codes_generated"
    MFA_LOCKED = "mfa.locked"
    MFA_THROTTLED = "mfa.throttled"
    PASSWORD_RESET_THROTTLED = "account.password_reset_throttled"
    API_TOKEN_ISSUED = "api_token.issued"
    API_TOKEN_REVOKED = "api_token.revoked"
    API_TOKEN_FAILED = "api_token.failed"
    ADMIN_VIEWED = "admin.viewed"
    HEALTH_CHECKED = "system.health_checked"
    # The chainer (pme/audit/chainer.py): an event committed after its seq was recorded as a gap.
    AUDIT_LATE_EVENT = "audit.late_event"
    # Accounts, access requests (form 4313) and delegations.
    USER_CREATED = "user.created"
    ACCOUNT_DEACTIVATED = "account.deactivated"
    ACCOUNT_REACTIVATED = "account.reactivated"
    TEMPORARY_PASSWORD_ISSUED = "account.temporary_password_issued"
    TEMPORARY_PASSWORD_SENT = "account.temporary_password_sent"
    USERNAME_SENT = "account.username_sent"
    USERNAME_LETTER_DOWNLOADED = "account.username_letter_downloaded"
    ACCESS_REQUEST_CREATED = "access_request.created"
    ACCESS_REQUEST_LINK_REQUESTED = "access_request.link_requested"
    ACCESS_REQUEST_LINK_SENT = "access_request.link_sent"
    ACCESS_REQUEST_COMPLETED = "access_request.completed"
    ACCESS_REQUEST_APPROVED = "access_request.approved"
    ACCESS_REQUEST_REFUSED = "access_request.refused"
    ACCESS_REQUEST_CANCELLED = "access_request.cancelled"
    DELEGATION_CREATED = "delegation.created"
    DELEGATION_INVITED = "delegation.invited"
    DELEGATION_ACCEPTED = "delegation.accepted"
    DELEGATION_DECLINED = "delegation.declined"
    DELEGATION_REMOVED = "delegation.removed"
    # Catalogue.
    INDICATION_VERSION_PUBLISHED = "catalogue.indication_version_published"
    CODE_WITHDRAWN = "catalogue.code_withdrawn"
    CATALOGUE_IMPORTED = "catalogue.imported"
    # The privacy officer's own work.
    AUDIT_PAGE_DENIED = "audit.access.denied"
    AUDIT_EVENTS_SEARCHED = "audit.events.searched"
    AUDIT_EVENTS_EXPORTED = "audit.events.exported"
    PERSON_REPORT_VIEWED = "audit.person_report.viewed"
    PERSON_REPORT_EXPORTED = "audit.person_report.exported"
    YEARLY_REPORT_VIEWED = "audit.yearly_report.viewed"
    YEARLY_REPORT_EXPORTED = "audit.yearly_report.exported"
    SIGNALS_VIEWED = "audit.signals.viewed"
    INCIDENTS_LISTED = "incident.listed"
    INCIDENT_VIEWED = "incident.viewed"
    INCIDENT_CREATED = "incident.created"
    INCIDENT_UPDATED = "incident.updated"
    # Retention.
    RETENTION_APPLIED = "retention.applied"
    REQUESTS_DELETED = "retention.requests_deleted"


SENTENCES: dict[AuditCode, Promise] = {
    AuditCode.ACCESS_DENIED: _("Was refused access to information (unknown or not theirs)"),
    AuditCode.INSURED_SEARCHED: _("Searched for an insured person"),
    AuditCode.REQUEST_VIEWED: _("Viewed a payment authorization request"),
    AuditCode.REQUEST_LIST_VIEWED: _("Viewed a list of payment authorization requests"),
    AuditCode.REQUEST_LISTED: _("Listed payment authorization requests (API)"),
    AuditCode.ATTACHMENT_DOWNLOADED: _("Downloaded an attachment of a request"),
    AuditCode.LETTER_DOWNLOADED: _("Downloaded a decision letter"),
    AuditCode.LETTER_PREVIEWED: _("Previewed a decision letter before deciding"),
    AuditCode.QUEUE_VIEWED: _("Viewed the review queue"),
    AuditCode.COVERAGE_CHECKED: _("Checked whether a drug is covered for an insured person (pharmacy claim)"),
    AuditCode.PRESCRIBING_ADVICE_GIVEN: _(
        "Received advice on a prescription for an insured person (electronic medical record)"
    ),
    AuditCode.PREFILL_OPENED: _("Opened a request form pre-filled by the electronic medical record"),
    AuditCode.DRAFT_SAVED: _("Saved a draft request"),
    AuditCode.REQUEST_SUBMITTED: _("Sent a request to the Régie"),
    AuditCode.REQUEST_ACCEPTED: _("Accepted a request"),
    AuditCode.REQUEST_SUBMITTED_ACCEPTED: _(
        "Sent a request to the Régie, accepted at once (every criterion of the indication met)"
    ),
    AuditCode.REQUEST_REFUSED: _("Refused a request"),
    AuditCode.INFORMATION_REQUESTED: _("Asked the prescriber for more information"),
    AuditCode.REQUEST_ANSWERED: _("Answered the Régie's request for information"),
    AuditCode.REVIEW_ASKED: _("Asked for a review of a refusal"),
    AuditCode.REQUEST_WITHDRAWN: _("Withdrew a request"),
    AuditCode.REQUEST_TAKEN: _("Took a request for review"),
    AuditCode.REQUEST_REASSIGNED: _("Reassigned a request to a reviewer"),
    AuditCode.ATTACHMENT_ADDED: _("Added an attachment to a request"),
    AuditCode.EXPIRY_REMINDED: _("Sent a reminder that an authorization ends soon"),
    AuditCode.NOTICE_SENT: _("Sent a decision notice by e-mail"),
    AuditCode.NOTICE_FAILED: _("Could not send a decision notice by e-mail"),
    AuditCode.LOGIN: _("Logged in"),
    AuditCode.LOGIN_FAILED: _("Failed to log in"),
    AuditCode.LOGIN_THROTTLED: _("Was stopped from logging in after too many failures"),
    AuditCode.LOGOUT: _("Logged out"),
    AuditCode.SESSION_EXPIRED: _("Session ended by inactivity or age"),
    AuditCode.TEMPORARY_PASSWORD_USED: _("Logged in with a temporary password"),
    AuditCode.PASSWORD_CHANGED: _("Changed their password"),
    AuditCode.PASSWORD_RESET_REQUESTED: _("Asked for a password reset"),
    AuditCode.PASSWORD_RESET: _("Reset their password"),
    AuditCode.EMAIL_VERIFICATION_SENT: _("Was sent an e-mail address verification"),
    AuditCode.EMAIL_VERIFIED: _("Verified their e-mail address"),
    AuditCode.MFA_DEVICE_CONFIRMED: _("Set up a second factor (authenticator app)"),
    AuditCode.MFA_ENROLMENT_FAILED: _("Failed to set up a second factor"),
    AuditCode.MFA_VERIFIED: _("Confirmed their identity with the second factor"),
    AuditCode.MFA_FAILED: _("Gave a wrong second-factor code"),
    AuditCode.MFA_RECOVERY_CODES_GENERATED: _("Generated second-factor recovery codes"),
    AuditCode.API_TOKEN_ISSUED: _("Created an API token"),
    AuditCode.API_TOKEN_REVOKED: _("Revoked an API token"),
    AuditCode.API_TOKEN_FAILED: _("Called the API with an unknown, expired or revoked token"),
    AuditCode.MFA_LOCKED: _("Had the second factor locked after repeated wrong codes"),
    AuditCode.MFA_THROTTLED: _("Was stopped from entering a second-factor code while it was locked"),
    AuditCode.PASSWORD_RESET_THROTTLED: _("Was stopped from asking for more password reset links"),
    AuditCode.ADMIN_VIEWED: _("Opened a page of the technical administration"),
    AuditCode.HEALTH_CHECKED: _("Checked that the audit trail can be written (never kept)"),
    AuditCode.AUDIT_LATE_EVENT: _(
        "Found an event recorded after its place in the audit chain was closed, and sealed its content"
    ),
    AuditCode.USER_CREATED: _("Created a user account"),
    AuditCode.ACCOUNT_DEACTIVATED: _("Deactivated an account"),
    AuditCode.ACCOUNT_REACTIVATED: _("Reactivated an account"),
    AuditCode.TEMPORARY_PASSWORD_ISSUED: _("Issued a temporary password"),
    AuditCode.TEMPORARY_PASSWORD_SENT: _("Sent a temporary password by e-mail"),
    AuditCode.USERNAME_SENT: _("Sent a username by e-mail"),
    AuditCode.USERNAME_LETTER_DOWNLOADED: _("Downloaded a username letter"),
    AuditCode.ACCESS_REQUEST_CREATED: _("Started an access request (form 4313)"),
    AuditCode.ACCESS_REQUEST_LINK_REQUESTED: _("Asked for a new link to an access request"),
    AuditCode.ACCESS_REQUEST_LINK_SENT: _("Sent the link to an access request by e-mail"),
    AuditCode.ACCESS_REQUEST_COMPLETED: _("Completed the user's part of an access request"),
    AuditCode.ACCESS_REQUEST_APPROVED: _("Approved an access request"),
    AuditCode.ACCESS_REQUEST_REFUSED: _("Refused an access request"),
    AuditCode.ACCESS_REQUEST_CANCELLED: _("Cancelled an access request"),
    AuditCode.DELEGATION_CREATED: _("Gave an assistant access to a prescriber's requests"),
    AuditCode.DELEGATION_INVITED: _("Invited an assistant to work for a prescriber"),
    AuditCode.DELEGATION_ACCEPTED: _("Accepted to work for a prescriber"),
    AuditCode.DELEGATION_DECLINED: _("Declined to work for a prescriber"),
    AuditCode.DELEGATION_REMOVED: _("Removed an assistant's access"),
    AuditCode.INDICATION_VERSION_PUBLISHED: _("Published a new version of a recognized indication"),
    AuditCode.CODE_WITHDRAWN: _("Withdrew an exception code"),
    AuditCode.CATALOGUE_IMPORTED: _("Imported the drug catalogue"),
    AuditCode.AUDIT_PAGE_DENIED: _("Was refused a privacy officer page"),
    AuditCode.AUDIT_EVENTS_SEARCHED: _("Searched the audit trail"),
    AuditCode.AUDIT_EVENTS_EXPORTED: _("Exported audit events (CSV)"),
    AuditCode.PERSON_REPORT_VIEWED: _("Viewed who accessed an insured person's information"),
    AuditCode.PERSON_REPORT_EXPORTED: _("Exported who accessed an insured person's information (CSV)"),
    AuditCode.YEARLY_REPORT_VIEWED: _("Viewed the yearly access report"),
    AuditCode.YEARLY_REPORT_EXPORTED: _("Exported the yearly access report (CSV)"),
    AuditCode.SIGNALS_VIEWED: _("Viewed the unusual-access signals"),
    AuditCode.INCIDENTS_LISTED: _("Viewed the confidentiality-incident register"),
    AuditCode.INCIDENT_VIEWED: _("Viewed a confidentiality incident"),
    AuditCode.INCIDENT_CREATED: _("Registered a confidentiality incident"),
    AuditCode.INCIDENT_UPDATED: _("Updated a confidentiality incident"),
    AuditCode.RETENTION_APPLIED: _("Removed information past its retention period"),
    AuditCode.REQUESTS_DELETED: _("Deleted requests past their retention period"),
}


def describe(code: str) -> str:
    """The sentence for a stored code in the active language. Events recorded before a code was
    registered (or under a value since renamed) show the stored code, so nothing is hidden."""
    try:
        return str(SENTENCES[AuditCode(code)])
    except ValueError:
        return code
