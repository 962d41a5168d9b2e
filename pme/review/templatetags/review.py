"""Template helpers of the review, used by the prescriber's request page (authorizations/detail.html
includes review/request_decision.html)."""

from __future__ import annotations

from django import template

from pme.authorizations.models import AuthorizationRequest
from pme.review.models import Decision
from pme.review.selectors import ReasonLine, decisions_on, reason_lines

register = template.Library()


@register.simple_tag
def decisions_for_prescriber(auth_request: AuthorizationRequest) -> list[Decision]:
    """Decisions with a letter (acceptances and refusals), newest first. The page that includes this
    already fetched `auth_request` through its access door."""
    if auth_request.pk is None or auth_request.is_draft:
        return []
    return [d for d in decisions_on(auth_request).order_by("-created_at", "-pk") if d.has_letter]


@register.simple_tag
def reason_lines_of(decision: Decision) -> list[ReasonLine]:
    return reason_lines(decision)
