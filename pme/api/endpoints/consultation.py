"""Look-ups by insured person, as on the consultation pages: the panorama (prescribers and
collaborators, 90 days) and the pharmacist's status look-up (12 months, status fields only). The NAM
travels in the body, never in a URL. The doors are the pages' (pme/consultation/reads.py): same rule,
same throttle (60 per 10 minutes), same audit event."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from pme.accounts.models import Role
from pme.api.auth import BearerToken, caller
from pme.api.common import professional_number
from pme.api.errors import ApiError
from pme.api.schemas import ERROR_RESPONSES, LookupIn, PanoramaOut, StatusOut
from pme.authorizations.lifecycle import Status
from pme.consultation import reads
from pme.core.forms import NAM_ERRORS
from pme.core.nam import NAM, InvalidNAM

router = Router()


def _nam(body: LookupIn) -> NAM:
    try:
        return NAM.parse(body.nam)
    except InvalidNAM as exc:
        raise ApiError.invalid("nam", str(NAM_ERRORS[exc.code])) from None


@router.post(
    "/panorama",
    response={200: PanoramaOut, **ERROR_RESPONSES},
    url_name="consultation_panorama",
    auth=BearerToken(reads.PANORAMA_ROLES),
    summary="Requests sent in the last 90 days for an insured person (prescribers, collaborators)",
)
def panorama(request: HttpRequest, body: LookupIn) -> Any:
    try:
        result = reads.look_up_panorama(actor=caller(request), nam=_nam(body), drug_query=body.drug)
    except reads.Throttled as refusal:
        raise ApiError.throttled(refusal.retry_after) from None
    items = []
    for group in result.groups:
        for line in group.lines:
            auth_request = line.auth_request
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
                    "authorized_start": line.authorized_start,
                    "authorized_end": line.authorized_end,
                    "authorized_quantity": line.authorized_quantity,
                    "refusal_reasons": line.refusal_reasons,
                    "question": line.question,
                }
            )
    return {"since": result.since, "person_name": result.person_name, "items": items}


@router.post(
    "/status",
    response={200: StatusOut, **ERROR_RESPONSES},
    url_name="consultation_status",
    auth=BearerToken(frozenset({Role.PHARMACIST})),
    summary="Status of the requests valid or sent in the last 12 months for an insured person (pharmacists)",
)
def status_lookup(request: HttpRequest, body: LookupIn) -> Any:
    try:
        result = reads.look_up_status(actor=caller(request), nam=_nam(body), drug_query=body.drug)
    except reads.Throttled as refusal:
        raise ApiError.throttled(refusal.retry_after) from None
    return {
        "since": result.since,
        "person_name": result.person_name,
        "items": [line.__dict__ for line in result.lines],
    }
