"""Template filters of the review pages (no database access here: pages get their data from the doors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

if TYPE_CHECKING:
    from pme.review.clock import ClockReading


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


@register.simple_tag
def decision_clock(clock: ClockReading) -> SafeString:
    """{% decision_clock clock %}: the time left to the decision target, how late it is, or that it stops
    while the Régie waits for the prescriber. A tag, not an include: the queue shows one per row."""
    if clock.paused:
        return format_html(
            '<span class="clock clock-paused">{}</span>', _("Paused: waiting for the prescriber")
        )
    if clock.late:
        late = _("%(duration)s past the target") % {"duration": days_and_hours(clock.hours_late)}
        return format_html('<span class="clock clock-late"><strong>{}</strong> — {}</span>', _("Late"), late)
    left = _("%(duration)s left") % {"duration": days_and_hours(clock.hours_left)}
    return format_html('<span class="clock clock-on-time">{}</span>', left)
