"""The Régie's review, for Régie systems: the queue, take a request, decide. Reviewers only (403 for
other roles, as the review pages); their tokens exist only while they have a second factor
(pme/accounts/services/api_tokens.py). Decisions use the review services, with If-Match as the version
the reviewer decided on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from pme.accounts.models import Role, User
from pme.api.auth import BearerToken, caller
from pme.api.common import (
    decode_cursor,
    encode_cursor,
    etag,
    if_match_version,
    request_detail,
    request_summary,
)
from pme.api.errors import ApiError
from pme.api.schemas import (
    ERROR_RESPONSES,
    DecisionIn,
    QueuePageOut,
    RefusalReasonOut,
    RequestOut,
)
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.reads import request_file
from pme.review import reads, services
from pme.review.selectors import QueueFilters

router = Router(auth=BearerToken(frozenset({Role.REVIEWER})))
PAGE = 50


def _reviewer(request: HttpRequest) -> User:
    user = caller(request)
    try:
        reads.require_reviewer(user)
    except PermissionDenied:
        raise ApiError.forbidden() from None
    return user


def _conflict(conflict: services.Conflict) -> ApiError:
    if conflict.code == "changed":
        return ApiError(412, "precondition_failed")
    return ApiError(409, conflict.code)


def _answer(request: HttpRequest, response: HttpResponse, auth_request: AuthorizationRequest) -> Any:
    """The request as the reviewer's act left it (the act's own event is its record)."""
    response["ETag"] = etag(auth_request)
    return request_detail(request_file(auth_request, caller(request)))


@router.get(
    "/queue",
    response={200: QueuePageOut, **ERROR_RESPONSES},
    url_name="review_queue",
    summary="Open requests: urgent first, then the longest waiting",
)
def queue(
    request: HttpRequest,
    mine: Query[bool] = False,
    cursor: Query[str] = "",
) -> Any:
    user = _reviewer(request)
    offset = decode_cursor(cursor) or 0
    found, more = reads.queue_slice(reviewer=user, filters=QueueFilters(mine=mine), offset=offset, limit=PAGE)
    return {
        "items": [
            {
                **request_summary(r),
                "urgency": r.urgency,
                "assigned_to": r.assigned_to.username if r.assigned_to else None,
            }
            for r in found
        ],
        "next_cursor": encode_cursor(offset + PAGE) if more else None,
    }


@router.get(
    "/refusal-reasons",
    response={200: list[RefusalReasonOut], **ERROR_RESPONSES},
    url_name="review_refusal_reasons",
    summary="The coded refusal reasons in use",
)
def refusal_reasons(request: HttpRequest) -> Any:
    _reviewer(request)
    return [
        {"code": r.code, "text": r.text, "applies_to_criterion": r.applies_to_criterion}
        for r in reads.active_refusal_reasons()
    ]


@router.post(
    "/requests/{request_id}/take",
    response={200: RequestOut, **ERROR_RESPONSES},
    url_name="review_take",
    summary="Take a request waiting in the queue",
)
def take(request: HttpRequest, response: HttpResponse, request_id: int) -> Any:
    user = _reviewer(request)
    if_match_version(request, request_id)
    try:
        taken = services.take_request(reviewer=user, request_id=request_id)
    except services.Conflict as exc:
        raise _conflict(exc) from None
    return _answer(request, response, taken)


@router.post(
    "/requests/{request_id}/decision",
    response={200: RequestOut, **ERROR_RESPONSES},
    url_name="review_decide",
    summary="Accept, refuse or ask for information (the request must be yours, in process)",
)
def decide(request: HttpRequest, response: HttpResponse, request_id: int, body: DecisionIn) -> Any:
    user = _reviewer(request)
    version = if_match_version(request, request_id)
    try:
        if body.decision == "accept":
            if body.start is None or body.end is None or body.end < body.start:
                raise ApiError.invalid("end", "give start and end, end on or after start")
            decision = services.accept_request(
                reviewer=user,
                request_id=request_id,
                start=body.start,
                end=body.end,
                quantity=body.quantity,
                expected_version=version,
            )
        elif body.decision == "refuse":
            reasons = {r.code: r for r in reads.active_refusal_reasons()}
            unknown = [r.code for r in body.reasons if r.code not in reasons]
            if not body.reasons or unknown:
                raise ApiError.invalid("reasons", "name at least one known reason code")
            decision = services.refuse_request(
                reviewer=user,
                request_id=request_id,
                reasons=[services.ReasonInput(reasons[r.code], r.criterion_key) for r in body.reasons],
                text=body.text,
                expected_version=version,
            )
        else:
            if not body.text.strip():
                raise ApiError.invalid("text", "ask at least one question")
            decision = services.request_information(
                reviewer=user, request_id=request_id, questions=body.text, expected_version=version
            )
    except services.Conflict as exc:
        raise _conflict(exc) from None
    return _answer(request, response, decision.auth_request)
