"""CDS Hooks 2.0 for clinic records (https://cds-hooks.hl7.org/2.0/): `GET /cds-services` (discovery,
public) and `POST /cds-services/{id}` (order-select, order-sign). Parse (parse.py), call the door
(pme.consultation.prescribing), render cards (cards.py). The record authenticates with the prescriber's
PME API token (Authorization: Bearer) for now; docs/api.md says how the specification's signed JWT
would plug in here. Every call runs in the audit channel "cds"; errors are `{"code", "message"}`."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from pme.api.auth import authenticate
from pme.api.cds import cards
from pme.api.cds.parse import CdsInputError, read_hook_call
from pme.api.errors import ApiError
from pme.audit.channel import channel
from pme.consultation.prescribing import AdviceThrottled, advise_prescriptions, may_ask_advice


def _error(error: ApiError) -> HttpResponse:
    response = JsonResponse(error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@require_GET
def discovery(request: HttpRequest) -> HttpResponse:
    return JsonResponse(cards.discovery())


@csrf_exempt
@require_POST
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    with channel("cds"):
        try:
            return _service(request, service_id)
        except ApiError as error:
            return _error(error)
        except CdsInputError as exc:
            return _error(ApiError(400, "invalid", errors=[{"field": "body", "message": str(exc)}]))
        except PermissionDenied:
            return _error(ApiError.forbidden())


def _service(request: HttpRequest, service_id: str) -> HttpResponse:
    hook = cards.SERVICES.get(service_id)
    if hook is None:
        raise ApiError.not_found()
    user = authenticate(request)
    if not may_ask_advice(user):
        raise ApiError.forbidden()
    try:
        data: Any = json.loads(request.body or b"null")
    except ValueError:
        raise ApiError(400, "bad_body") from None
    call = read_hook_call(data, hook=hook)
    try:
        advice = advise_prescriptions(
            actor=user, hook=hook, orders=call.orders, person=call.person, request=request
        )
    except AdviceThrottled as exc:
        raise ApiError.throttled(exc.retry_after) from None
    return JsonResponse({"cards": cards.cards(advice, call.resources)})
