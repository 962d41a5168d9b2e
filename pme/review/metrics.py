"""Figures for Régie management: requests received and decided, by month and by drug; time to decision;
backlog by age. Counts come from the timeline (each decision is an event: a request refused then
accepted on review counts one refusal and one acceptance); times from the reviewers' `Decision` rows
(time waiting for the Régie, information-requested pauses excluded; automatic decisions have none).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from pme.authorizations.lifecycle import Action
from pme.authorizations.models import AuthorizationRequest, TimelineEntry, Urgency
from pme.catalogue.models import Drug
from pme.core.timeutils import REGIE_TZ, now, start_of_local_day
from pme.review.models import Decision, DecisionKind
from pme.review.selectors import QUEUE_STATUSES, _with_queue_order

DECIDING = (Action.ACCEPT, Action.ACCEPT_AUTOMATICALLY, Action.REFUSE)
ACCEPTING = (Action.ACCEPT, Action.ACCEPT_AUTOMATICALLY)
NO_DRUG = 0  # key of the requests for a drug that is not in the catalogue

BACKLOG_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 1), (1, 3), (3, 7), (7, 30), (30, None))


@dataclass
class Row:
    key: Any
    label: str = ""
    received: int = 0
    decided: int = 0
    accepted: int = 0
    refused: int = 0
    automated: int = 0
    accepted_after_information: int = 0
    accepted_after_review: int = 0
    hours: dict[str, list[float]] = field(default_factory=lambda: {Urgency.STANDARD: [], Urgency.URGENT: []})

    def mean(self, urgency: str) -> float | None:
        values = self.hours[urgency]
        return round(statistics.fmean(values), 1) if values else None

    def median(self, urgency: str) -> float | None:
        values = self.hours[urgency]
        return round(statistics.median(values), 1) if values else None

    @property
    def mean_standard(self) -> float | None:
        return self.mean(Urgency.STANDARD)

    @property
    def median_standard(self) -> float | None:
        return self.median(Urgency.STANDARD)

    @property
    def mean_urgent(self) -> float | None:
        return self.mean(Urgency.URGENT)

    @property
    def median_urgent(self) -> float | None:
        return self.median(Urgency.URGENT)


@dataclass
class Metrics:
    start: dt.date
    end: dt.date
    total: Row
    by_month: list[Row]
    by_drug: list[Row]
    backlog: list[tuple[str, int]]
    late: int


def _month(moment: dt.datetime) -> dt.date:
    local = moment.astimezone(REGIE_TZ)
    return dt.date(local.year, local.month, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, cursor = [], dt.date(start.year, start.month, 1)
    while cursor <= end:
        months.append(cursor)
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def compute(start: dt.date, end: dt.date, *, at: dt.datetime | None = None) -> Metrics:
    """Figures for the local days `start` to `end` inclusive (Montréal time)."""
    begin, finish = start_of_local_day(start), start_of_local_day(end + dt.timedelta(days=1))
    total = Row("total")
    by_month = {m: Row(m) for m in months_between(start, end)}
    by_drug: dict[int, Row] = {}

    def rows_for(month: dt.date, drug_id: int | None) -> list[Row]:
        drug_row = by_drug.setdefault(drug_id or NO_DRUG, Row(drug_id or NO_DRUG))
        return [total, by_month[month], drug_row]

    received = (
        AuthorizationRequest.objects.filter(submitted_at__gte=begin, submitted_at__lt=finish)
        .annotate(month=TruncMonth("submitted_at", tzinfo=REGIE_TZ))
        .values("month", "drug_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for item in received:
        for row in rows_for(_month(item["month"]), item["drug_id"]):
            row.received += item["n"]

    earlier = TimelineEntry.objects.filter(auth_request=OuterRef("auth_request"), at__lt=OuterRef("at"))
    events = (
        TimelineEntry.objects.filter(action__in=DECIDING, at__gte=begin, at__lt=finish)
        .annotate(
            month=TruncMonth("at", tzinfo=REGIE_TZ),
            after_information=Exists(earlier.filter(action=Action.REQUEST_INFORMATION)),
            after_review=Exists(earlier.filter(action=Action.ASK_REVIEW)),
        )
        .values("month", "auth_request__drug_id")
        .annotate(
            decided=Count("pk"),
            accepted=Count("pk", filter=Q(action__in=ACCEPTING)),
            refused=Count("pk", filter=Q(action=Action.REFUSE)),
            automated=Count("pk", filter=Q(action=Action.ACCEPT_AUTOMATICALLY)),
            accepted_after_information=Count("pk", filter=Q(action=Action.ACCEPT, after_information=True)),
            accepted_after_review=Count("pk", filter=Q(action=Action.ACCEPT, after_review=True)),
        )
        .order_by()
    )
    counters = (
        "decided",
        "accepted",
        "refused",
        "automated",
        "accepted_after_information",
        "accepted_after_review",
    )
    for item in events:
        for row in rows_for(_month(item["month"]), item["auth_request__drug_id"]):
            for name in counters:
                setattr(row, name, getattr(row, name) + item[name])

    decisions = Decision.objects.filter(
        kind__in=(DecisionKind.ACCEPTED, DecisionKind.REFUSED), created_at__gte=begin, created_at__lt=finish
    ).values_list("created_at", "auth_request__drug_id", "auth_request__urgency", "elapsed_seconds")
    for created_at, drug_id, urgency, seconds in decisions:
        for row in rows_for(_month(created_at), drug_id):
            row.hours[urgency].append(seconds / 3600)

    names = {d.pk: d.generic_name for d in Drug.objects.filter(pk__in=list(by_drug))}
    for key, row in by_drug.items():
        row.label = names.get(key, "") if key != NO_DRUG else _("Drug not in the catalogue")
    from django.utils import formats

    for month, row in by_month.items():
        row.label = formats.date_format(month, "YEAR_MONTH_FORMAT")
    total.label = _("Whole period")

    backlog, late = _backlog(at or now())
    return Metrics(
        start=start,
        end=end,
        total=total,
        by_month=list(by_month.values()),
        by_drug=sorted(by_drug.values(), key=lambda r: (-r.received, r.label)),
        backlog=backlog,
        late=late,
    )


def bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(days)s days or more") % {"days": low}
    if low == 0:
        return _("Less than %(days)s day") % {"days": high}
    return _("%(low)s to %(high)s days") % {"low": low, "high": high}


def _backlog(at: dt.datetime) -> tuple[list[tuple[str, int]], int]:
    """Open requests by how long they have waited (a review from when it was asked), and how many are
    past their decision target."""
    from pme.review.selectors import with_clocks

    requests = list(
        _with_queue_order(AuthorizationRequest.objects.filter(status__among=QUEUE_STATUSES)).only(
            "pk", "submitted_at", "urgency", "status", "queued_since"
        )
    )
    counts = [0] * len(BACKLOG_BUCKETS)
    for item in requests:
        since = item.queued_since or item.submitted_at
        assert since is not None  # an open request was sent
        age_days = (at - since).total_seconds() / 86400
        for index, (low, high) in enumerate(BACKLOG_BUCKETS):
            if age_days >= low and (high is None or age_days < high):
                counts[index] += 1
                break
    late = sum(1 for row in with_clocks(requests, at=at) if row.clock.late)
    return [
        (bucket_label(low, high), n) for (low, high), n in zip(BACKLOG_BUCKETS, counts, strict=True)
    ], late


CSV_COLUMNS = (
    "received",
    "decided",
    "accepted",
    "refused",
    "automated",
    "accepted_after_information",
    "accepted_after_review",
    "mean_standard",
    "median_standard",
    "mean_urgent",
    "median_urgent",
)


def csv_rows(metrics: Metrics) -> list[list[Any]]:
    """Header then rows: section, label, figures (hours for the times)."""
    rows: list[list[Any]] = [["section", "label", *CSV_COLUMNS]]
    for section, items in (
        ("total", [metrics.total]),
        ("month", metrics.by_month),
        ("drug", metrics.by_drug),
    ):
        for row in items:
            key = row.key.isoformat() if section == "month" else row.label
            rows.append(
                [section, key, *[getattr(row, c) if getattr(row, c) is not None else "" for c in CSV_COLUMNS]]
            )
    for label, count in metrics.backlog:
        rows.append(["backlog", label, count, *[""] * (len(CSV_COLUMNS) - 1)])
    rows.append(["backlog", "late", metrics.late, *[""] * (len(CSV_COLUMNS) - 1)])
    return rows
