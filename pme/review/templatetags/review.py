"""Template filters of the review pages (no database access here: pages get their data from the doors)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from pme.authorizations.models import Urgency
from pme.core.dates import long_datetime
from pme.core.templatetags.pme import status_badge

register = template.Library()

if TYPE_CHECKING:
    from pme.accounts.models import User
    from pme.review.clock import ClockReading
    from pme.review.selectors import QueueRow

_PK_MARK = 2_147_483_647  # a pk no request has: reverse() once, then the row's pk in its place


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
        return _clock_markup("paused", 0, get_language())
    late = clock.late
    return _clock_markup(
        "late" if late else "left", clock.hours_late if late else clock.hours_left, get_language()
    )


@functools.lru_cache(maxsize=4096)
def _clock_markup(state: str, hours: int, language: str | None) -> SafeString:
    """The clock's words for a state and a whole number of hours, written once per active language (the
    catalogues of translations do not change while the process runs; `language` is the active one)."""
    if state == "paused":
        return format_html(
            '<span class="clock clock-paused">{}</span>', _("Paused: waiting for the prescriber")
        )
    if state == "late":
        late = _("%(duration)s past the target") % {"duration": days_and_hours(hours)}
        return format_html('<span class="clock clock-late"><strong>{}</strong> — {}</span>', _("Late"), late)
    left = _("%(duration)s left") % {"duration": days_and_hours(hours)}
    return format_html('<span class="clock clock-on-time">{}</span>', left)


@register.simple_tag
def queue_rows(rows: list[QueueRow], viewer: User) -> SafeString:
    """{% queue_rows rows user %}: the body of the review queue's table, one <tr> per open request (number
    and link, urgency, drug, waiting since, time left, status, who holds it). A tag, not template markup:
    the queue writes 25 rows a page, and the template language's look-ups, includes and translations cost
    about 0.2 ms a row where this costs a tenth of that (docs/performance.md). The words are translated once
    a page, the detail link reversed once."""
    link = reverse("review:detail", args=[_PK_MARK])
    review_tag = format_html(' <span class="tag tag-review">{}</span>', _("Review"))
    urgent = format_html('<span class="tag tag-urgent">{}</span>', _("Urgent"))
    standard, you, not_taken = _("Standard"), _("You"), _("Not taken")

    def holder(row: QueueRow) -> str:
        item = row.auth_request
        if item.assigned_to is None:
            return not_taken
        if item.assigned_to_id == viewer.pk:
            return you
        name = item.assigned_to.get_full_name() or item.assigned_to.username
        return _("Taken by %(name)s") % {"name": name}

    return format_html_join(
        "\n",
        '    <tr{}>\n      <td><a href="{}">{}</a>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n'
        "      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n    </tr>",
        (
            (
                SafeString(' class="row-late"') if row.clock.late and not row.clock.paused else "",
                link.replace(str(_PK_MARK), str(row.auth_request.pk)),
                row.auth_request.number,
                review_tag if row.auth_request.is_review else "",
                urgent if row.auth_request.urgency == Urgency.URGENT else standard,
                row.auth_request.drug_label,
                long_datetime(row.auth_request.queued_since),
                decision_clock(row.clock),
                status_badge(row.auth_request.status, row.auth_request.status_label),
                holder(row),
            )
            for row in rows
        ),
    )
