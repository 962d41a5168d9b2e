"""Look-ups by insured person, as on the consultation pages: the panorama (prescribers and
collaborators, 90 days) and the pharmacist's status look-up (12 months, status fields only). The NAM
travels in the body, never in a URL. Counted by the same throttle as the pages (60 per 10 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router

from pme.accounts.models import Role, User
from pme.api.auth import BearerToken, caller
from pme.api.common import professional_number
from pme.api.errors import ApiError
from pme.api.schemas import ERROR_RESPONSES, LookupIn, PanoramaOut, StatusOut
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.authorizations.lifecycle import Status
from pme.consultation import access, selectors, throttle
from pme.core.forms import NAM_ERRORS
from pme.core.nam import NAM, InvalidNAM

router = Router()
LOOKUP_USERS = frozenset(access.PANORAMA_ROLES)
SEARCHED = AuditCode.INSURED_SEARCHED


def _nam(body: LookupIn) -> NAM:
    try:
        return NAM.parse(body.nam)
    except InvalidNAM as exc:
        raise ApiError.invalid("nam", str(NAM_ERRORS[exc.code])) from None


def _count(request: HttpRequest, user: User, service: str) -> None:
    verdict = throttle.count_look_up(user.pk)
    if not verdict.allowed:
        record(SEARCHED, actor=user, outcome=Outcome.DENIED, request=request, details={"service": service})
        raise ApiError.throttled(verdict.retry_after)


@router.post(
    "/panorama",
    response={200: PanoramaOut, **ERROR_RESPONSES},
    url_name="consultation_panorama",
    auth=BearerToken(LOOKUP_USERS),
    summary="Requests sent in the last 90 days for an insured person (prescribers, collaborators)",
)
def panorama(request: HttpRequest, body: LookupIn) -> Any:
    user = caller(request)
    try:
        access.require_panorama_user(user)
    except PermissionDenied:
        raise ApiError.forbidden() from None
    nam = _nam(body)
    _count(request, user, "panorama")
    prescribers = access.panorama_prescribers(user)
    result = selectors.panorama(user, prescribers, nam, drug_query=body.drug.strip())
    record(
        SEARCHED,
        actor=user,
        nam=nam,
        result_count=result.count,
        on_behalf_of=prescribers[0] if len(prescribers) == 1 and prescribers[0] != user else None,
        request=request,
        details={
            "service": "panorama",
            "drug_query": body.drug.strip(),
            "prescribers": [p.pk for p in prescribers],
            "requests": result.request_ids,
        },
    )
    items = []
    for group in result.groups:
        for line in group.lines:
            auth_request = line.auth_request
            accepted = auth_request.status == Status.ACCEPTED
            items.append(
                {
                    "id": auth_request.pk,
                    "number": auth_request.number,
                    "prescriber": professional_number(auth_request.prescriber),
                    "drug": auth_request.drug_label,
                    "status": auth_request.status,
                    "status_label": str(Status(auth_request.status).label),
                    "meaning": line.meaning,
                    "submitted_at": auth_request.submitted_at,
                    "authorized_start": auth_request.authorized_start if accepted else None,
                    "authorized_end": auth_request.authorized_end if accepted else None,
                    "authorized_quantity": auth_request.authorized_quantity if accepted else "",
                    "refusal_reasons": auth_request.refusal_reason_texts
                    if auth_request.status == Status.REFUSED
                    else [],
                    "question": line.question if auth_request.status == Status.INFORMATION_REQUESTED else "",
                }
            )
    return {"since": result.since, "items": items}


@router.post(
    "/status",
    response={200: StatusOut, **ERROR_RESPONSES},
    url_name="consultation_status",
    auth=BearerToken(frozenset({Role.PHARMACIST})),
    summary="Status of the requests valid or sent in the last 12 months for an insured person (pharmacists)",
)
def status_lookup(request: HttpRequest, body: LookupIn) -> Any:
    user = caller(request)
    try:
        access.require_pharmacist(user)
    except PermissionDenied:
        raise ApiError.forbidden() from None
    nam = _nam(body)
    _count(request, user, "status_lookup")
    lines = selectors.status_lookup(nam, drug_query=body.drug.strip())
    record(
        SEARCHED,
        actor=user,
        nam=nam,
        result_count=len(lines),
        request=request,
        details={"service": "status_lookup", "drug_query": body.drug.strip()},
    )
    return {
        "since": selectors.status_window_start().date(),
        "items": [line.__dict__ for line in lines],
    }
