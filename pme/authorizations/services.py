"""The doors that change payment authorization requests: what prescribers and their collaborators do.

Each is one function, keyword-only, with the acting user (`actor`) and the request's id where there is
one: it fetches the request through the access rule (an unknown or forbidden id raises `Unseen`, the
404 that is also recorded as `access.denied`), checks the act, writes, records the audit event in the
same transaction, and defers e-mail until the transaction commits. The Régie's acts on requests are in
`decisions.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pme.accounts.models import User
from pme.audit.codes import AuditCode
from pme.audit.denials import Unseen, door
from pme.audit.services import record
from pme.authorizations import content
from pme.authorizations.access import may_write_for, requests_visible_to
from pme.authorizations.attachments import check_upload
from pme.authorizations.content import DraftInput, TreatmentInput
from pme.authorizations.lifecycle import Action, Status, TransitionNotAllowed, next_status
from pme.authorizations.models import (
    Attachment,
    AuthorizationRequest,
    PreviousTreatment,
    RequestCounter,
    RequestKind,
    RequestType,
    RequestVersion,
)
from pme.authorizations.periods import period_end
from pme.authorizations.transitions import Step, move, transition
from pme.catalogue.cached import criteria_of
from pme.catalogue.criteria import Evaluation, Outcome, evaluate, evaluate_criterion
from pme.core.prefetched import add_known, remember
from pme.core.timeutils import add_months, local_today

# Re-exported for callers: the content's declaration, and the lifecycle's refusal.
__all__ = ["DraftInput", "TransitionNotAllowed", "TreatmentInput"]

REVIEW_WINDOW_MONTHS = 6
REQUEST_TYPE = "authorizations.authorizationrequest"


class IncompleteRequest(Exception):
    """Raised by submit_request with the list of what is missing (translated sentences)."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(str(m) for m in missing))
        self.missing = missing


class NotAllowed(Exception):
    """The actor may see the request but not do this to it (views answer 404 or a message)."""


class StaleVersion(Exception):
    """The caller's copy of the request is out of date (API: If-Match did not match, answer 412)."""


def unseen_request(actor: User, request_id: object) -> Unseen:
    """The refusal for a request id the actor may not see: recorded with whose request it was, if any."""
    found = None
    if isinstance(request_id, int) or (isinstance(request_id, str) and request_id.isdigit()):
        found = AuthorizationRequest.objects.filter(pk=int(request_id)).values_list("nam", flat=True).first()
    from pme.core.nam import NAM

    return Unseen(
        actor=actor,
        object_type=REQUEST_TYPE,
        object_id=request_id,
        exists=found is not None,
        nam=NAM(found) if found else None,
    )


def lock_visible(actor: User, request_id: int) -> AuthorizationRequest:
    """The request, locked for the caller's transaction, if `actor` may see it; else Unseen."""
    try:
        return (
            requests_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("prescriber", "entered_by", "drug", "indication", "indication__exception_code")
            .get(pk=request_id)
        )
    except (AuthorizationRequest.DoesNotExist, ValueError, TypeError):
        raise unseen_request(actor, request_id) from None


def _check_version(auth_request: AuthorizationRequest, expected_version: int | None) -> None:
    if expected_version is not None and auth_request.row_version != expected_version:
        raise StaleVersion


def _check_may_write_for(actor: User, prescriber: User) -> None:
    if not may_write_for(actor, prescriber):
        raise NotAllowed


def _check_prescriber(actor: User, auth_request: AuthorizationRequest) -> None:
    """Transmit, withdraw, answer, ask a review: the prescriber's own acts."""
    if actor.pk != auth_request.prescriber_id:
        raise NotAllowed


# ---- Drafts --------------------------------------------------------------------------------------------


def _apply(auth_request: AuthorizationRequest, data: DraftInput) -> None:
    for name in content.draft_attributes():
        setattr(auth_request, name, content.stored_value(data, name))


def _replace_treatments(
    auth_request: AuthorizationRequest, treatments: Sequence[TreatmentInput], *, created: bool = False
) -> None:
    """Writes the previous treatments (a new draft has none to delete) and keeps them on the instance,
    so that the snapshot and the answer that follow read them from memory."""
    if not created:
        auth_request.previous_treatments.all().delete()
    written = PreviousTreatment.objects.bulk_create(
        PreviousTreatment(
            auth_request=auth_request,
            position=i,
            drug_name=t.drug_name,
            outcome=t.outcome,
            duration=t.duration,
            details=t.details,
        )
        for i, t in enumerate(treatments)
        if t.drug_name.strip()
    )
    remember(auth_request, "previous_treatments", written)


def _write_draft(
    *,
    actor: User,
    prescriber: User,
    data: DraftInput,
    draft: AuthorizationRequest | None,
    submission_token: Any = None,
    renewal_of: AuthorizationRequest | None = None,
    idempotency_key: str = "",
    idempotency_fingerprint: str = "",
) -> AuthorizationRequest:
    created = draft is None
    if draft is None:
        if submission_token is not None:
            existing = AuthorizationRequest.objects.filter(submission_token=submission_token).first()
            if existing is not None:  # the same form sent twice: one draft
                return existing
        draft = AuthorizationRequest(
            prescriber=prescriber,
            entered_by=actor,
            renewal_of=renewal_of,
            idempotency_key=idempotency_key,
            idempotency_fingerprint=idempotency_fingerprint,
        )
        if submission_token is not None:
            draft.submission_token = submission_token
    _apply(draft, data)
    # A savepoint only where a failure is answered: the same form sent twice (the caller's token) fails
    # the unique token and returns the first draft. Otherwise a failure fails the whole door.
    answered = submission_token is not None
    try:
        with transaction.atomic(savepoint=answered):
            draft.save()
    except IntegrityError:
        if not answered:
            raise
        existing = AuthorizationRequest.objects.filter(submission_token=draft.submission_token).first()
        if existing is None:
            raise
        return existing
    _replace_treatments(draft, data.previous_treatments, created=created)
    record(
        AuditCode.DRAFT_SAVED,
        actor=actor,
        target=draft,
        nam=data.nam,
        on_behalf_of=prescriber if prescriber.pk != actor.pk else None,
        details={"created": created},
    )
    return draft


@dataclass(frozen=True)
class SavedDraft:
    auth_request: AuthorizationRequest
    created: bool
    already_sent: bool  # the draft was sent meanwhile (double click, second tab): nothing was written


@door
def save_draft(
    *,
    actor: User,
    data: DraftInput,
    prescriber: User | None = None,
    draft_id: int | None = None,
    submission_token: Any = None,
    attachments: Sequence[UploadedFile] = (),
) -> SavedDraft:
    """Creates a draft for `prescriber` (the actor, or a prescriber they may draft for), or updates the
    draft `draft_id`, with its attachments, in one transaction (AttachmentRejected: nothing is kept).

    A form sent twice (same `submission_token`) and a draft that was sent meanwhile write nothing: the
    result names the request as it is."""
    with transaction.atomic():
        if draft_id is not None:
            draft = lock_visible(actor, draft_id)
            if draft.status != Status.DRAFT:
                return SavedDraft(draft, created=False, already_sent=True)
            _check_may_write_for(actor, draft.prescriber)
            saved = _write_draft(actor=actor, prescriber=draft.prescriber, data=data, draft=draft)
        else:
            if prescriber is None:
                raise NotAllowed
            _check_may_write_for(actor, prescriber)
            if submission_token is not None:
                existing = AuthorizationRequest.objects.filter(submission_token=submission_token).first()
                if existing is not None:  # the same form sent twice: one draft, written once
                    sent = existing.status != Status.DRAFT
                    return SavedDraft(existing, created=False, already_sent=sent)
            saved = _write_draft(
                actor=actor, prescriber=prescriber, data=data, draft=None, submission_token=submission_token
            )
        for upload in attachments:
            _add_attachment(saved, actor=actor, upload=upload)
        return SavedDraft(saved, created=draft_id is None, already_sent=False)


# ---- Sending -------------------------------------------------------------------------------------------


def missing_information(auth_request: AuthorizationRequest) -> list[str]:
    """What must be filled before the request can be sent, as sentences in the user's language."""
    missing: list[Any] = []
    if auth_request.kind == RequestKind.EXCEPTION_DRUG:
        if auth_request.drug_id is None:
            missing.append(_("Choose the drug."))
        if auth_request.indication_id is None:
            missing.append(_("Choose the recognized indication."))
        elif auth_request.indication is not None:
            criteria = criteria_of(auth_request.indication)  # set on the instance for `evaluate` too
            # An alternative need not be answered once another one of its group is met (one is enough;
            # a Questionnaire's enableWhen does not even ask it).
            met_groups = {
                c.group
                for c in criteria
                if c.group
                and evaluate_criterion(
                    c, auth_request.answers.get(c.key), reference_date=local_today()
                ).outcome
                is Outcome.MET
            }
            for criterion in criteria:
                if (
                    criterion.group not in met_groups
                    and criterion.required_for_automatic
                    and criterion.kind != "text"
                    and (auth_request.answers.get(criterion.key) in (None, "", []))
                ):
                    missing.append(_("Answer the question: %(question)s") % {"question": criterion.question})
    else:
        if not (auth_request.drug_id or auth_request.drug_description.strip()):
            missing.append(_("Name the drug."))
        for name, message in (
            ("condition", _("Describe the condition.")),
            ("alternatives_unusable", _("Explain why listed drugs or insured treatments cannot be used.")),
            ("seriousness", _("Explain why the condition is serious.")),
            ("expected_benefit", _("State the expected measurable benefit.")),
        ):
            if not getattr(auth_request, name).strip():
                missing.append(message)
    if auth_request.requested_start is None:
        missing.append(_("Give the requested start date."))
    if not auth_request.requested_duration:
        missing.append(_("Give the requested duration."))
    if not auth_request.dosage.strip():
        missing.append(_("Give the dosage."))
    if auth_request.urgency == "urgent" and not auth_request.urgency_reason.strip():
        missing.append(_("Give the reason for urgency."))
    return [str(m) for m in missing]


def _next_number(today: dt.date) -> str:
    """The year's next number, in one statement (an upsert that returns the new value): the counter row
    stays locked until the caller's transaction ends, so numbers never repeat nor go back."""
    table = RequestCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [today.year],
        )
        (last,) = cursor.fetchone()
    return f"{today.year}-{last:06d}"


class Route(StrEnum):
    """Why a sent request went where it went (shown after sending and on the request page)."""

    ACCEPTED = "accepted"  # every criterion met, and the indication allows an automatic decision
    REVIEWER_REQUIRED = "reviewer_required"  # criteria met, but the indication always needs a reviewer
    NO_STANDARD_PERIOD = "no_standard_period"  # met and allowed, but no standard period: a reviewer sets it
    NOT_MET = "not_met"  # at least one criterion is not met (named)
    NEEDS_ASSESSMENT = "needs_assessment"  # at least one answer needs a person's assessment
    EXCEPTIONAL_PATIENT = "exceptional_patient"  # always assessed by a reviewer


def _route(evaluation: Evaluation | None, *, automatic_decision_allowed: bool, has_period: bool) -> Route:
    if evaluation is None:
        return Route.EXCEPTIONAL_PATIENT
    if evaluation.overall == Outcome.NOT_MET:  # a group of alternatives is met when one of them is
        return Route.NOT_MET
    if evaluation.overall != "met":
        return Route.NEEDS_ASSESSMENT
    if not automatic_decision_allowed:
        return Route.REVIEWER_REQUIRED
    return Route.ACCEPTED if has_period else Route.NO_STANDARD_PERIOD


@dataclass(frozen=True)
class SubmissionResult:
    auth_request: AuthorizationRequest
    created: bool  # False when this was a repeated submission of the same draft or form
    automated: bool


def _standard_period(auth_request: AuthorizationRequest) -> int | None:
    indication = auth_request.indication
    if indication is None:
        return None
    renewal = auth_request.request_type in (RequestType.RENEWAL, RequestType.CONTINUATION)
    return (indication.renewal_duration if renewal else None) or indication.initial_duration


def _submit_locked(auth_request: AuthorizationRequest, *, actor: User) -> SubmissionResult:
    _check_prescriber(actor, auth_request)
    if auth_request.status != Status.DRAFT:
        return SubmissionResult(auth_request, created=False, automated=auth_request.automated)
    missing = missing_information(auth_request)
    if missing:
        raise IncompleteRequest(missing)
    today = local_today()
    auth_request.number = _next_number(today)
    auth_request.submitted_at = timezone.now()
    auth_request.transmitted_by = actor
    evaluation = None
    indication = auth_request.indication
    if auth_request.kind == RequestKind.EXCEPTION_DRUG and indication is not None:
        evaluation = evaluate(indication, auth_request.answers, reference_date=today)
    route = _route(
        evaluation,
        automatic_decision_allowed=bool(indication and indication.automatic_decision),
        has_period=bool(_standard_period(auth_request)),
    )
    if evaluation is not None and indication is not None:
        auth_request.evaluation = {
            "overall": str(evaluation.overall),
            "automatic_decision": evaluation.automatic_decision,
            "results": [
                {"key": r.key, "outcome": str(r.outcome), "reason": r.reason, "counted": r.counted}
                for r in evaluation.results
            ],
            "indication_version": indication.version,
            "evaluated_on": today.isoformat(),
            "route": str(route),
        }
    else:
        auth_request.evaluation = {"route": str(route)}
    steps = [Step(Action.TRANSMIT, actor)]
    details: dict[str, Any] = {"entered_by": auth_request.entered_by_id, "route": str(route)}
    automated = route == Route.ACCEPTED and _decide_automatically(auth_request)
    if automated:
        note = str(_("All the criteria of the recognized indication are met."))
        steps.append(Step(Action.ACCEPT_AUTOMATICALLY, None, note))
        details.update(decision="accepted", automatic=True)
    # One change, one event: an accepted submission says both (REQUEST_SUBMITTED_ACCEPTED), the
    # timeline keeps its two steps (sent by the prescriber, accepted by the system).
    code = AuditCode.REQUEST_SUBMITTED_ACCEPTED if automated else AuditCode.REQUEST_SUBMITTED
    remember(auth_request, "timeline", move(auth_request, steps, actor=actor, code=code, details=details))
    version = RequestVersion.objects.create(
        auth_request=auth_request,
        number=1,
        kind=RequestVersion.Kind.SUBMISSION,
        created_by=actor,
        content=snapshot(auth_request),
    )
    remember(auth_request, "versions", [version])
    return SubmissionResult(auth_request, created=True, automated=automated)


@door
def submit_request(*, actor: User, request_id: int, expected_version: int | None = None) -> SubmissionResult:
    """Sends a draft to the Régie. Only the prescriber transmits (a collaborator's draft too).

    Idempotent: submitting a request that was already sent returns it unchanged (double click, back
    button, retried call). Raises IncompleteRequest with what is missing, NotAllowed for a collaborator,
    StaleVersion when `expected_version` (the API's If-Match) is not the draft's.
    """
    with transaction.atomic():
        locked = lock_visible(actor, request_id)
        if locked.status == Status.DRAFT:
            _check_version(locked, expected_version)
        return _submit_locked(locked, actor=actor)


def _decide_automatically(auth_request: AuthorizationRequest) -> bool:
    """Sets the authorized period and quantity of a request whose indication allows an automatic
    decision and has a standard period; False (nothing set) otherwise. The caller moves the status."""
    indication = auth_request.indication
    amount = _standard_period(auth_request)
    if indication is None or not amount:
        return False
    start = auth_request.requested_start or local_today()
    auth_request.authorized_start = start
    auth_request.authorized_end = period_end(start, amount, indication.duration_unit)
    auth_request.authorized_quantity = indication.quantity_rule or auth_request.quantity
    auth_request.automated = True
    auth_request.decided_at = timezone.now()
    return True


def snapshot(auth_request: AuthorizationRequest) -> dict[str, Any]:
    """The submitted content as plain JSON, kept in version 1 (the request as sent)."""
    return content.snapshot_values(auth_request)


class IdempotencyMismatch(Exception):
    """The idempotency key was already used by this prescriber for a different request body."""

    def __init__(self, existing: AuthorizationRequest) -> None:
        super().__init__("idempotency key reused with another body")
        self.existing = existing


@dataclass(frozen=True)
class IdempotentResult:
    auth_request: AuthorizationRequest
    created: bool  # False: the key was seen before and this is the first result again
    automated: bool


def _existing_for_key(prescriber: User, key: str, fingerprint: str) -> AuthorizationRequest | None:
    existing = (
        AuthorizationRequest.objects.filter(prescriber=prescriber, idempotency_key=key)
        .select_related("prescriber", "drug", "indication")
        .first()
    )
    if existing is not None and existing.idempotency_fingerprint != fingerprint:
        raise IdempotencyMismatch(existing)
    return existing


def create_request_idempotent(
    *,
    actor: User,
    prescriber: User,
    data: DraftInput,
    idempotency_key: str,
    fingerprint: str,
    submit: bool,
) -> IdempotentResult:
    """Creates a request (a draft, sent at once when `submit`) once per (prescriber, key).

    The same key with the same `fingerprint` (a digest of the caller's body) returns the first request,
    whatever happened to it since; with another fingerprint it raises IdempotencyMismatch. Two calls
    racing with one key end with one request: the unique constraint (prescriber, idempotency_key) makes
    the second insert wait for the first and fail, and the second call then returns the first request.
    Nothing is kept when the submission is refused (IncompleteRequest, NotAllowed): the draft is rolled
    back with it, so a corrected retry may use the same key. One audit event: the draft's when kept as a
    draft, the submission's when sent.
    """
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    _check_may_write_for(actor, prescriber)
    try:
        # One transaction; the key is checked by the insert itself: a key seen before (a retry, rare)
        # fails it on the unique constraint and is answered below, so a new key costs no look-up.
        with transaction.atomic():
            draft = AuthorizationRequest(
                prescriber=prescriber,
                entered_by=actor,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
            )
            _apply(draft, data)
            draft.save()
            _replace_treatments(draft, data.previous_treatments, created=True)
            remember(draft, "attachments", [])
            if not submit:
                record(
                    AuditCode.DRAFT_SAVED,
                    actor=actor,
                    target=draft,
                    nam=data.nam,
                    on_behalf_of=prescriber if prescriber.pk != actor.pk else None,
                    details={"created": True},
                )
                return IdempotentResult(draft, created=True, automated=False)
            result = _submit_locked(draft, actor=actor)
            return IdempotentResult(result.auth_request, created=True, automated=result.automated)
    except IntegrityError:
        existing = _existing_for_key(prescriber, idempotency_key, fingerprint)
        if existing is None:
            raise
        return IdempotentResult(existing, created=False, automated=existing.automated)


# ---- The prescriber's other acts -------------------------------------------------------------------------


@door
def withdraw_request(
    *, actor: User, request_id: int, note: str = "", expected_version: int | None = None
) -> AuthorizationRequest:
    """`expected_version` (the API's If-Match): StaleVersion when the request changed since it was read."""
    with transaction.atomic():
        auth_request = lock_visible(actor, request_id)
        _check_prescriber(actor, auth_request)
        _check_version(auth_request, expected_version)
        transition(auth_request, Action.WITHDRAW, actor=actor, note=note, code=AuditCode.REQUEST_WITHDRAWN)
        return auth_request


def _add_version(auth_request: AuthorizationRequest, *, actor: User, kind: str, text: str) -> RequestVersion:
    number = (auth_request.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = RequestVersion.objects.create(
        auth_request=auth_request, number=number, kind=kind, text=text, created_by=actor
    )
    add_known(auth_request, "versions", version)
    return version


@door
def answer_information_request(
    *,
    actor: User,
    request_id: int,
    text: str,
    files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> AuthorizationRequest:
    """The prescriber's answer is added as a new version; the request goes back to its reviewer."""
    with transaction.atomic():
        auth_request = lock_visible(actor, request_id)
        _check_prescriber(actor, auth_request)
        _check_version(auth_request, expected_version)
        next_status(auth_request.status, Action.ANSWER)  # refuse early, before writing anything
        version = _add_version(auth_request, actor=actor, kind=RequestVersion.Kind.ANSWER, text=text)
        for upload in files:
            _add_attachment(auth_request, actor=actor, upload=upload, version=version)
        transition(auth_request, Action.ANSWER, actor=actor, note=text, code=AuditCode.REQUEST_ANSWERED)
        return auth_request


def review_deadline(auth_request: AuthorizationRequest) -> dt.date | None:
    if auth_request.decided_at is None:
        return None
    decided = timezone.localtime(auth_request.decided_at).date()
    return add_months(decided, REVIEW_WINDOW_MONTHS)


class ReviewWindowPassed(NotAllowed):
    """A review (*révision*) is asked more than 6 months after the refusal."""


@door
def ask_review(*, actor: User, request_id: int, reason: str) -> AuthorizationRequest:
    """A review (*révision*) of a refusal, within 6 months; it goes back to the queue, unassigned."""
    with transaction.atomic():
        auth_request = lock_visible(actor, request_id)
        _check_prescriber(actor, auth_request)
        next_status(auth_request.status, Action.ASK_REVIEW)
        deadline = review_deadline(auth_request)
        if deadline is not None and local_today() > deadline:
            raise ReviewWindowPassed
        _add_version(auth_request, actor=actor, kind=RequestVersion.Kind.REVIEW_REQUEST, text=reason)
        auth_request.is_review = True
        auth_request.assigned_to = None
        transition(auth_request, Action.ASK_REVIEW, actor=actor, note=reason, code=AuditCode.REVIEW_ASKED)
        return auth_request


@door
def renew_request(*, actor: User, request_id: int) -> AuthorizationRequest:
    """A new draft pre-filled from an accepted request, of type renewal, starting after it ends."""
    with transaction.atomic():
        accepted = lock_visible(actor, request_id)
        if accepted.status != Status.ACCEPTED:
            raise NotAllowed
        _check_may_write_for(actor, accepted.prescriber)
        return _write_draft(
            actor=actor,
            prescriber=accepted.prescriber,
            data=content.renewal_input(accepted),
            draft=None,
            renewal_of=accepted,
        )


def _add_attachment(
    auth_request: AuthorizationRequest,
    *,
    actor: User,
    upload: UploadedFile,
    version: RequestVersion | None = None,
) -> Attachment:
    """Stores a checked file (type from its content). Raises AttachmentRejected before writing anything."""
    content_type, extension = check_upload(upload, upload.size or 0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    # No savepoint: a failure here is re-raised and fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        attachment = Attachment(
            auth_request=auth_request,
            version=version,
            original_name=(upload.name or "")[:200],
            content_type=content_type,
            extension=extension,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            added_by=actor,
        )
        attachment.file.save("unused", upload, save=False)
        try:
            attachment.save()
            add_known(auth_request, "attachments", attachment)
            record(
                AuditCode.ATTACHMENT_ADDED,
                actor=actor,
                target=attachment,
                nam=auth_request.nam_value,
                details={"request": auth_request.pk, "size": attachment.size, "type": content_type},
            )
        except Exception:
            attachment.file.delete(save=False)  # nothing half-written: no orphan file
            raise
    return attachment
