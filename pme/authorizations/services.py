"""Writes on payment authorization requests. Each state change is one function, in one transaction, with
its timeline entry and audit event; e-mail is deferred until the transaction commits."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations.attachments import check_upload
from pme.authorizations.lifecycle import Action, Status, next_status
from pme.authorizations.models import (
    Attachment,
    AuthorizationRequest,
    DurationUnit,
    PreviousTreatment,
    RequestCounter,
    RequestKind,
    RequestType,
    RequestVersion,
    TimelineEntry,
)
from pme.catalogue.criteria import Outcome, evaluate, evaluate_criterion
from pme.core.nam import NAM
from pme.core.timeutils import add_months, local_today

REVIEW_WINDOW_MONTHS = 6


class IncompleteRequest(Exception):
    """Raised by submit_request with the list of what is missing (translated sentences)."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(str(m) for m in missing))
        self.missing = missing


class NotAllowed(Exception):
    """The actor may not do this to this request (views turn it into a 404 or a message)."""


@dataclass
class TreatmentInput:
    drug_name: str
    outcome: str
    duration: str = ""
    details: str = ""


@dataclass
class DraftInput:
    """Everything a prescriber (or a collaborator for them) writes in the request form."""

    kind: str
    nam: NAM
    insured_last_name: str
    insured_first_name: str
    insured_birth_date: dt.date
    request_type: str = RequestType.FIRST
    drug: Any = None
    indication: Any = None
    drug_description: str = ""
    din: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    treatment_started: bool = False
    requested_start: dt.date | None = None
    requested_duration: int | None = None
    requested_duration_unit: str = DurationUnit.MONTHS
    dosage: str = ""
    quantity: str = ""
    urgency: str = "standard"
    urgency_reason: str = ""
    clinical_notes: str = ""
    condition: str = ""
    alternatives_unusable: str = ""
    seriousness: str = ""
    expected_benefit: str = ""
    previous_treatments: Sequence[TreatmentInput] = ()


_PLAIN_FIELDS = (
    "kind",
    "request_type",
    "drug",
    "indication",
    "drug_description",
    "din",
    "answers",
    "treatment_started",
    "requested_start",
    "requested_duration",
    "requested_duration_unit",
    "dosage",
    "quantity",
    "urgency",
    "urgency_reason",
    "clinical_notes",
    "condition",
    "alternatives_unusable",
    "seriousness",
    "expected_benefit",
    "insured_last_name",
    "insured_first_name",
    "insured_birth_date",
)


def _check_may_write_for(actor: User, prescriber: User) -> None:
    if actor.role == Role.PRESCRIBER and actor.pk == prescriber.pk:
        return
    if actor.role == Role.COLLABORATOR:
        from pme.accounts.selectors import can_draft_for

        if can_draft_for(actor, prescriber):
            return
    raise NotAllowed


def _apply(auth_request: AuthorizationRequest, data: DraftInput) -> None:
    for name in _PLAIN_FIELDS:
        setattr(auth_request, name, getattr(data, name))
    auth_request.nam = data.nam.value


def _replace_treatments(auth_request: AuthorizationRequest, treatments: Sequence[TreatmentInput]) -> None:
    auth_request.previous_treatments.all().delete()
    PreviousTreatment.objects.bulk_create(
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


@transaction.atomic
def save_draft(
    *,
    actor: User,
    prescriber: User,
    data: DraftInput,
    draft: AuthorizationRequest | None = None,
    submission_token: Any = None,
    renewal_of: AuthorizationRequest | None = None,
    idempotency_key: str = "",
    idempotency_fingerprint: str = "",
) -> AuthorizationRequest:
    """Creates or updates a draft. A collaborator needs the draft permission for `prescriber`."""
    _check_may_write_for(actor, prescriber)
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
        created = True
    else:
        draft = AuthorizationRequest.objects.select_for_update().get(pk=draft.pk)
        if draft.status != Status.DRAFT or draft.prescriber_id != prescriber.pk:
            raise NotAllowed
        created = False
    _apply(draft, data)
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        existing = AuthorizationRequest.objects.filter(submission_token=draft.submission_token).first()
        if existing is None:
            raise
        return existing
    _replace_treatments(draft, data.previous_treatments)
    record(
        AuditCode.DRAFT_SAVED,
        actor=actor,
        target=draft,
        nam=data.nam,
        on_behalf_of=prescriber,
        details={"created": created},
    )
    return draft


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
    existing = AuthorizationRequest.objects.filter(prescriber=prescriber, idempotency_key=key).first()
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
    back with it, so a corrected retry may use the same key.
    """
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    existing = _existing_for_key(prescriber, idempotency_key, fingerprint)
    if existing is not None:
        return IdempotentResult(existing, created=False, automated=existing.automated)
    try:
        with transaction.atomic():
            draft = save_draft(
                actor=actor,
                prescriber=prescriber,
                data=data,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
            )
            if not submit:
                return IdempotentResult(draft, created=True, automated=False)
            result = submit_request(draft, actor=actor)
            return IdempotentResult(result.auth_request, created=True, automated=result.automated)
    except IntegrityError:
        existing = _existing_for_key(prescriber, idempotency_key, fingerprint)
        if existing is None:
            raise
        return IdempotentResult(existing, created=False, automated=existing.automated)


class StaleVersion(Exception):
    """The caller's copy of the request is out of date (API: If-Match did not match, answer 412)."""


def _check_version(auth_request: AuthorizationRequest, expected_version: int | None) -> None:
    if expected_version is not None and auth_request.row_version != expected_version:
        raise StaleVersion


def missing_information(auth_request: AuthorizationRequest) -> list[str]:
    """What must be filled before the request can be sent, as sentences in the user's language."""
    missing: list[Any] = []
    if auth_request.kind == RequestKind.EXCEPTION_DRUG:
        if auth_request.drug_id is None:
            missing.append(_("Choose the drug."))
        if auth_request.indication_id is None:
            missing.append(_("Choose the recognized indication."))
        elif auth_request.indication is not None:
            criteria = list(auth_request.indication.criteria.all())
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
    counter, _created = RequestCounter.objects.select_for_update().get_or_create(year=today.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{today.year}-{counter.last:06d}"


def apply_transition(
    auth_request: AuthorizationRequest,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    audit_action: AuditCode,
    details: dict[str, Any] | None = None,
) -> None:
    source = auth_request.status
    auth_request.status = next_status(source, action)
    auth_request.row_version += 1
    auth_request.save()
    TimelineEntry.objects.create(
        auth_request=auth_request,
        actor=actor,
        action=action,
        from_status=source,
        to_status=auth_request.status,
        note=note,
    )
    record(
        audit_action,
        actor=actor,
        target=auth_request,
        nam=auth_request.nam_value,
        on_behalf_of=auth_request.prescriber if actor and actor.pk != auth_request.prescriber_id else None,
        details={"from": source, "to": auth_request.status, **(details or {})},
    )


def _period_end(start: dt.date, amount: int, unit: str) -> dt.date:
    if unit == "months":
        end = add_months(start, amount)
    else:
        end = start + dt.timedelta(days=amount * (7 if unit == "weeks" else 1))
    return end - dt.timedelta(days=1)


@dataclass(frozen=True)
class SubmissionResult:
    auth_request: AuthorizationRequest
    created: bool  # False when this was a repeated submission of the same draft or form
    automated: bool


def submit_request(draft: AuthorizationRequest, *, actor: User) -> SubmissionResult:
    """Sends a draft to the Régie. Only the prescriber transmits (a collaborator's draft too).

    Idempotent: submitting a request that was already sent returns it unchanged (double click, back
    button, retried call). Raises IncompleteRequest with what is missing, NotAllowed for anyone else.
    """
    with transaction.atomic():
        auth_request = (
            AuthorizationRequest.objects.select_for_update(of=("self",))
            .select_related("indication", "drug", "prescriber")
            .get(pk=draft.pk)
        )
        if actor.role != Role.PRESCRIBER or actor.pk != auth_request.prescriber_id:
            raise NotAllowed
        if auth_request.status != Status.DRAFT:
            return SubmissionResult(auth_request, created=False, automated=auth_request.automated)
        missing = missing_information(auth_request)
        if missing:
            raise IncompleteRequest(missing)
        now = timezone.now()
        today = local_today()
        auth_request.number = _next_number(today)
        auth_request.submitted_at = now
        auth_request.transmitted_by = actor
        evaluation = None
        if auth_request.kind == RequestKind.EXCEPTION_DRUG and auth_request.indication is not None:
            evaluation = evaluate(auth_request.indication, auth_request.answers, reference_date=today)
            auth_request.evaluation = {
                "overall": str(evaluation.overall),
                "automatic_decision": evaluation.automatic_decision,
                "results": [
                    {"key": r.key, "outcome": str(r.outcome), "reason": r.reason, "counted": r.counted}
                    for r in evaluation.results
                ],
                "indication_version": auth_request.indication.version,
                "evaluated_on": today.isoformat(),
            }
        apply_transition(
            auth_request,
            Action.TRANSMIT,
            actor=actor,
            audit_action=AuditCode.REQUEST_SUBMITTED,
            details={"entered_by": auth_request.entered_by_id},
        )
        RequestVersion.objects.create(
            auth_request=auth_request,
            number=1,
            kind=RequestVersion.Kind.SUBMISSION,
            created_by=actor,
            content=snapshot(auth_request),
        )
        automated = bool(evaluation and evaluation.automatic_decision and _accept_automatically(auth_request))
        return SubmissionResult(auth_request, created=True, automated=automated)


def _accept_automatically(auth_request: AuthorizationRequest) -> bool:
    indication = auth_request.indication
    assert indication is not None
    renewal = auth_request.request_type in (RequestType.RENEWAL, RequestType.CONTINUATION)
    amount = (indication.renewal_duration if renewal else None) or indication.initial_duration
    if not amount:
        return False  # no standard period: a reviewer sets it
    start = auth_request.requested_start or local_today()
    auth_request.authorized_start = start
    auth_request.authorized_end = _period_end(start, amount, indication.duration_unit)
    auth_request.authorized_quantity = indication.quantity_rule or auth_request.quantity
    auth_request.automated = True
    auth_request.decided_at = timezone.now()
    apply_transition(
        auth_request,
        Action.ACCEPT_AUTOMATICALLY,
        actor=None,
        audit_action=AuditCode.REQUEST_ACCEPTED,
        note=str(_("All the criteria of the recognized indication are met.")),
        details={"automated": True},
    )
    return True


def snapshot(auth_request: AuthorizationRequest) -> dict[str, Any]:
    """The submitted content as plain JSON, kept in version 1 (the request as sent)."""
    data = {name: getattr(auth_request, name) for name in _PLAIN_FIELDS if name not in ("drug", "indication")}
    data["drug_id"] = auth_request.drug_id
    data["indication_id"] = auth_request.indication_id
    data["nam"] = auth_request.nam
    data["previous_treatments"] = [
        {"drug_name": t.drug_name, "duration": t.duration, "outcome": t.outcome, "details": t.details}
        for t in auth_request.previous_treatments.all()
    ]
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


@transaction.atomic
def withdraw_request(
    auth_request: AuthorizationRequest, *, actor: User, note: str = "", expected_version: int | None = None
) -> AuthorizationRequest:
    """`expected_version` (the API's If-Match): StaleVersion when the request changed since it was read."""
    auth_request = AuthorizationRequest.objects.select_for_update().get(pk=auth_request.pk)
    if actor.pk != auth_request.prescriber_id:
        raise NotAllowed
    _check_version(auth_request, expected_version)
    apply_transition(
        auth_request, Action.WITHDRAW, actor=actor, note=note, audit_action=AuditCode.REQUEST_WITHDRAWN
    )
    return auth_request


def _add_version(auth_request: AuthorizationRequest, *, actor: User, kind: str, text: str) -> RequestVersion:
    number = (auth_request.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return RequestVersion.objects.create(
        auth_request=auth_request, number=number, kind=kind, text=text, created_by=actor
    )


@transaction.atomic
def answer_information_request(
    auth_request: AuthorizationRequest,
    *,
    actor: User,
    text: str,
    files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> AuthorizationRequest:
    """The prescriber's answer is added as a new version; the request goes back to its reviewer."""
    auth_request = AuthorizationRequest.objects.select_for_update().get(pk=auth_request.pk)
    if actor.pk != auth_request.prescriber_id:
        raise NotAllowed
    _check_version(auth_request, expected_version)
    next_status(auth_request.status, Action.ANSWER)  # refuse early, before writing anything
    version = _add_version(auth_request, actor=actor, kind=RequestVersion.Kind.ANSWER, text=text)
    for upload in files:
        add_attachment(auth_request, actor=actor, upload=upload, version=version)
    apply_transition(
        auth_request, Action.ANSWER, actor=actor, note=text, audit_action=AuditCode.REQUEST_ANSWERED
    )
    return auth_request


def review_deadline(auth_request: AuthorizationRequest) -> dt.date | None:
    if auth_request.decided_at is None:
        return None
    decided = timezone.localtime(auth_request.decided_at).date()
    return add_months(decided, REVIEW_WINDOW_MONTHS)


@transaction.atomic
def ask_review(auth_request: AuthorizationRequest, *, actor: User, reason: str) -> AuthorizationRequest:
    """A review (*révision*) of a refusal, within 6 months; it goes back to the queue, unassigned."""
    auth_request = AuthorizationRequest.objects.select_for_update().get(pk=auth_request.pk)
    if actor.pk != auth_request.prescriber_id:
        raise NotAllowed
    next_status(auth_request.status, Action.ASK_REVIEW)
    deadline = review_deadline(auth_request)
    if deadline is not None and local_today() > deadline:
        raise NotAllowed
    _add_version(auth_request, actor=actor, kind=RequestVersion.Kind.REVIEW_REQUEST, text=reason)
    auth_request.is_review = True
    auth_request.assigned_to = None
    apply_transition(
        auth_request, Action.ASK_REVIEW, actor=actor, note=reason, audit_action=AuditCode.REVIEW_ASKED
    )
    return auth_request


@transaction.atomic
def renew_request(accepted: AuthorizationRequest, *, actor: User) -> AuthorizationRequest:
    """A new draft pre-filled from an accepted request, of type renewal, starting after it ends."""
    if accepted.status != Status.ACCEPTED:
        raise NotAllowed
    _check_may_write_for(actor, accepted.prescriber)
    start = (accepted.authorized_end + dt.timedelta(days=1)) if accepted.authorized_end else None
    data = DraftInput(
        kind=accepted.kind,
        nam=accepted.nam_value,
        insured_last_name=accepted.insured_last_name,
        insured_first_name=accepted.insured_first_name,
        insured_birth_date=accepted.insured_birth_date,
        request_type=RequestType.RENEWAL,
        drug=accepted.drug,
        indication=accepted.indication,
        drug_description=accepted.drug_description,
        din=accepted.din,
        answers=dict(accepted.answers),
        treatment_started=True,
        requested_start=start,
        requested_duration=accepted.requested_duration,
        requested_duration_unit=accepted.requested_duration_unit,
        dosage=accepted.dosage,
        quantity=accepted.quantity,
        clinical_notes="",
        condition=accepted.condition,
        alternatives_unusable=accepted.alternatives_unusable,
        seriousness=accepted.seriousness,
        expected_benefit=accepted.expected_benefit,
        previous_treatments=[
            TreatmentInput(t.drug_name, t.outcome, t.duration, t.details)
            for t in accepted.previous_treatments.all()
        ],
    )
    return save_draft(actor=actor, prescriber=accepted.prescriber, data=data, renewal_of=accepted)


def add_attachment(
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
    with transaction.atomic():
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
