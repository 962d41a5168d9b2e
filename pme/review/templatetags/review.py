"""Template helpers of the review, used by the prescriber's request page (authorizations/detail.html
includes review/request_decision.html)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def days_and_hours(hours: int) -> str:
    """A wait in whole hours, written in days and hours: "3 jours et 5 heures", "1 day", "7 hours"."""
    days, rest = divmod(max(int(hours), 0), 24)
    day_text = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    hour_text = ngettext("%(count)d hour", "%(count)d hours", rest) % {"count": rest}
    if days and rest:
        return _("%(days)s and %(hours)s") % {"days": day_text, "hours": hour_text}
    return day_text if days else hour_text


@register.filter(name="days_and_hours")
def days_and_hours_filter(hours: int) -> str:
    """{{ clock.hours_late|days_and_hours }}"""
    return days_and_hours(hours)
