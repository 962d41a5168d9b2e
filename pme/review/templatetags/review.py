"""Template filters of the review pages (no database access here: pages get their data from the doors)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


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
