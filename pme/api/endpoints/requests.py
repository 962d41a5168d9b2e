"""Payment authorization requests: create (idempotent) and send, read, list, answer, withdraw.

Access is the pages': `pme.authorizations.access` for every object (404 for unknown and forbidden
alike), the role check of the request pages (403 for other roles), and the services' own checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from pme.accounts.models import Role, User
from pme.api.auth import BearerToken, caller
from pme.api.common import (
    decode_cursor,
    encode_cursor,
    etag,
    fingerprint,
    if_match_version,
    professional_number,
    request_detail,
    request_summary,
)
from pme.api.errors import ApiError
from pme.api.schemas import (
    ERROR_RESPONSES,
    REQUEST_EXAMPLES,
    AnswerIn,
    RequestIn,
    RequestOut,
    RequestPageOut,
    StatusCode,
    WithdrawIn,
)
from pme.authorizations import content, reads, services
from pme.authorizations.access import prescribers_user_can_draft_for
from pme.authorizations.content import DraftInput, TreatmentInput
from pme.authorizations.lifecycle import TransitionNotAllowed
from pme.authorizations.models import AuthorizationRequest, RequestKind
from pme.catalogue import selectors as catalogue
from pme.core.forms import NAM_ERRORS
from pme.core.nam import NAM, InvalidNAM

WRITERS = frozenset({Role.PRESCRIBER, Role.COLLABORATOR})
router = Router(auth=BearerToken(WRITERS))
PAGE = 50
MAX_KEY = 200


def _writer(user: User) -> None:
    if user.role not in WRITERS:
        raise ApiError.forbidden()


def _prescriber_for(user: User, number: str | None) -> User:
    prescribers = prescribers_user_can_draft_for(user)
    for prescriber in prescribers:
        if number is None or professional_number(prescriber) == number:
            if number is None and len(prescribers) > 1:
                break
            return prescriber
    raise ApiError.invalid("prescriber", str(_NO_PRESCRIBER))


_NO_PRESCRIBER = _("Name a prescriber (professional number) you may write requests for.")


def draft_input(body: RequestIn) -> DraftInput:
    """The body as the service's input, checked as the request form checks it. The plain fields of the
    content go as they are (their one declaration: pme.authorizations.content)."""
    try:
        nam = NAM.parse(body.nam)
    except InvalidNAM as exc:
        raise ApiError.invalid("nam", str(NAM_ERRORS[exc.code])) from None
    plain = {name: getattr(body, name) for name in content.plain_fields()}
    plain = {k: v.strip() if isinstance(v, str) else v for k, v in plain.items()}
    birth = plain["insured_birth_date"]
    if not nam.matches_birth_date(birth.year, birth.month, birth.day):
        raise ApiError.invalid(
            "insured_birth_date",
            str(_("The birth date does not match the one in the health insurance number.")),
        )
    drug = indication = None
    if body.kind == RequestKind.EXCEPTION_DRUG:
        indication = catalogue.indication_version(body.indication_id) if body.indication_id else None
        if indication is None or not 0 < (body.indication_id or 0) < 2**62:
            raise ApiError.invalid(
                "indication_id", str(_("Choose a recognized indication of the catalogue."))
            )
        drug = indication.drug
        keys = {c.key for c in indication.criteria.all()}
        unknown = sorted(set(body.answers) - keys)
        if unknown:
            raise ApiError.invalid(
                "answers", str(_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(unknown)})
            )
    else:
        if body.drug_id is not None:
            drug = catalogue.drug_by_pk(body.drug_id) if 0 < body.drug_id < 2**62 else None
            if drug is None:
                raise ApiError.invalid("drug_id", str(_("No such drug in the catalogue.")))
        if drug is None and not plain.get("drug_description"):
            raise ApiError.invalid("drug_description", str(_("Name the drug.")))
    return DraftInput(
        kind=body.kind,
        nam=nam,
        drug=drug,
        indication=indication,
        answers=dict(body.answers) if indication is not None else {},
        previous_treatments=[
            TreatmentInput(t.drug_name, t.outcome, t.duration, t.details) for t in body.previous_treatments
        ],
        **plain,
    )


def _answer(request: HttpRequest, response: HttpResponse, file: reads.RequestFile) -> dict[str, Any]:
    response["ETag"] = etag(file.auth_request)
    return request_detail(file)


def _after_change(
    request: HttpRequest, response: HttpResponse, auth_request: AuthorizationRequest
) -> dict[str, Any]:
    """The request as a change the caller just made left it: the change's own event is its record."""
    return _answer(request, response, reads.request_file(auth_request, caller(request)))


@router.post(
    "",
    response={200: RequestOut, 201: RequestOut, **ERROR_RESPONSES},
    url_name="requests",
    summary="Create a request (a draft, or sent at once with submit: true)",
    description="The header Idempotency-Key is required: the same key and body return the first result "
    "(200), the same key with another body answers 422. Without it: 400.",
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
                "description": "A string you choose, unique for each new request (e.g. a UUID).",
            }
        ],
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/RequestIn"},
                    "examples": REQUEST_EXAMPLES,
                }
            },
            "required": True,
        },
    },
)
def create(request: HttpRequest, response: HttpResponse, body: RequestIn) -> Any:
    user = caller(request)
    _writer(user)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ApiError(400, "idempotency_key_missing")
    if len(key) > MAX_KEY:
        raise ApiError.invalid("Idempotency-Key", str(_("200 characters at most.")))
    prescriber = _prescriber_for(user, body.prescriber)
    data = draft_input(body)
    try:
        result = services.create_request_idempotent(
            actor=user,
            prescriber=prescriber,
            data=data,
            idempotency_key=key,
            fingerprint=fingerprint(request.body),
            submit=body.submit,
        )
    except services.IdempotencyMismatch:
        raise ApiError(422, "idempotency_mismatch") from None
    except services.IncompleteRequest as exc:
        raise ApiError(422, "incomplete", errors=[{"field": "", "message": m} for m in exc.missing]) from None
    except services.NotAllowed:
        raise ApiError.forbidden() from None
    if not result.created:
        response["Idempotent-Replayed"] = "true"
    return Status(201 if result.created else 200, _after_change(request, response, result.auth_request))


@router.get(
    "",
    response={200: RequestPageOut, **ERROR_RESPONSES},
    url_name="requests",
    summary="My requests (prescriber: theirs; collaborator: their prescribers'), newest first",
)
def request_list(
    request: HttpRequest,
    status: Query[StatusCode | None] = None,
    cursor: Query[str] = "",
) -> Any:
    user = caller(request)
    _writer(user)
    found, more = reads.list_requests_after(
        actor=user, status=status or "", before_id=decode_cursor(cursor), limit=PAGE
    )
    return {
        "items": [request_summary(r) for r in found],
        "next_cursor": encode_cursor(found[-1].pk) if more else None,
    }


@router.get(
    "/{request_id}",
    response={200: RequestOut, **ERROR_RESPONSES},
    url_name="request",
    summary="One request, with its ETag",
    auth=BearerToken(),
)
def detail(request: HttpRequest, response: HttpResponse, request_id: int) -> Any:
    return _answer(
        request, response, reads.open_request(actor=caller(request), request_id=request_id, page="api")
    )


@router.post(
    "/{request_id}/submit",
    response={200: RequestOut, **ERROR_RESPONSES},
    url_name="request_submit",
    summary="Send a draft to the Régie (the prescriber; a collaborator's draft too)",
)
def submit(request: HttpRequest, response: HttpResponse, request_id: int) -> Any:
    version = if_match_version(request, request_id)
    try:
        with _update_errors():
            result = services.submit_request(
                actor=caller(request), request_id=request_id, expected_version=version
            )
    except services.IncompleteRequest as exc:
        raise ApiError(422, "incomplete", errors=[{"field": "", "message": m} for m in exc.missing]) from None
    return _after_change(request, response, result.auth_request)


@contextmanager
def _update_errors() -> Iterator[None]:
    """The answers of an update on an existing request: a stale If-Match is 412, a transition the
    lifecycle table refuses in the current status is 409."""
    try:
        yield
    except services.StaleVersion:
        raise ApiError(412, "precondition_failed") from None
    except TransitionNotAllowed:
        raise ApiError(409, "not_allowed_now") from None
    except services.NotAllowed:
        raise ApiError.not_found() from None


@router.post(
    "/{request_id}/answer",
    response={200: RequestOut, **ERROR_RESPONSES},
    url_name="request_answer",
    summary="Answer the Régie's request for information",
)
def answer(request: HttpRequest, response: HttpResponse, request_id: int, body: AnswerIn) -> Any:
    version = if_match_version(request, request_id)
    with _update_errors():
        changed = services.answer_information_request(
            actor=caller(request), request_id=request_id, text=body.text.strip(), expected_version=version
        )
    return _after_change(request, response, changed)


@router.post(
    "/{request_id}/withdraw",
    response={200: RequestOut, **ERROR_RESPONSES},
    url_name="request_withdraw",
    summary="Withdraw a request before the decision",
)
def withdraw(request: HttpRequest, response: HttpResponse, request_id: int, body: WithdrawIn) -> Any:
    version = if_match_version(request, request_id)
    with _update_errors():
        changed = services.withdraw_request(
            actor=caller(request), request_id=request_id, note=body.note.strip(), expected_version=version
        )
    return _after_change(request, response, changed)
