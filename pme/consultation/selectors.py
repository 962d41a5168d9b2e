"""The two look-ups by insured person, each one SQL query however many requests it finds.

Panorama (prescribers, collaborators): requests *sent* in the last PANORAMA_DAYS whole days, Montréal
time (today is day 0, so the request sent at midnight on day 90 is in and the one sent a second before is
out), by the prescribers the user works for today. It starts from `requests_visible_to`, the
authorizations app's door, so every line it shows is one the user may open.

Pharmacist status: requests of any prescriber *valid* today (accepted, authorization not yet ended) or
sent in the last STATUS_MONTHS months (same rule: from midnight on the same date 12 months ago). Only
status fields are read from the database (`.values(...)`), so nothing clinical can reach the page.

Refusal reasons are `AuthorizationRequest.refusal_reasons` (coded, both languages) plus the free text in the
note of the `refuse` timeline entry; information-request questions are the notes of the
`request_information` timeline entries, which the review app writes (docs/consultation.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language

from pme.accounts.models import User
from pme.authorizations.access import requests_visible_to
from pme.authorizations.lifecycle import SENT_STATUSES, STATUS_MEANING, Action, Status
from pme.authorizations.models import AuthorizationRequest, TimelineEntry
from pme.authorizations.selectors import requests_for_insured
from pme.catalogue.selectors import search_drugs
from pme.core.nam import NAM
from pme.core.timeutils import REGIE_TZ, add_months, local_today, start_of_local_day, window_start

PANORAMA_DAYS = 90
STATUS_MONTHS = 12
_DIN = re.compile(r"^[0-9]{8}$")


def drug_filter(query: str) -> Q:
    """A catalogue drug matching `query` (name, brand, DIN, code, as the catalogue search does), or a
    drug described in words (exceptional patient) containing it, or the DIN typed on the request."""
    condition = Q(drug__in=search_drugs(query).values("pk")) | Q(drug_description__icontains=query)
    if _DIN.match(query):
        condition |= Q(din=query)
    return condition


def _last_note(action: str, field: str = "note") -> Subquery:
    entries = TimelineEntry.objects.filter(auth_request=OuterRef("pk"), action=action).order_by("-at", "-pk")
    return Subquery(entries.values(field)[:1])


@dataclass(frozen=True)
class PanoramaLine:
    auth_request: AuthorizationRequest
    meaning: str
    refusal_reason: str
    question: str
    question_at: dt.datetime | None
    answered_at: dt.datetime | None


@dataclass(frozen=True)
class PanoramaGroup:
    prescriber: User
    lines: list[PanoramaLine]


@dataclass(frozen=True)
class Panorama:
    prescribers: list[User]
    groups: list[PanoramaGroup]
    since: dt.date

    @property
    def count(self) -> int:
        return sum(len(g.lines) for g in self.groups)

    @property
    def request_ids(self) -> list[int]:
        return [line.auth_request.pk for g in self.groups for line in g.lines]


def panorama_queryset(
    user: User, prescribers: list[User], nam: NAM, *, drug_query: str = ""
) -> QuerySet[AuthorizationRequest]:
    requests = requests_visible_to(user).filter(
        nam=nam.value,
        prescriber__in=[p.pk for p in prescribers],
        status__in=SENT_STATUSES,
        submitted_at__gte=window_start(PANORAMA_DAYS),
    )
    if drug_query:
        requests = requests.filter(drug_filter(drug_query))
    answers = TimelineEntry.objects.filter(
        auth_request=OuterRef("pk"), action=Action.ANSWER, at__gte=OuterRef("question_at")
    ).order_by("at", "pk")
    return (
        requests.select_related("drug", "prescriber")
        .annotate(
            refusal_reason=_last_note(Action.REFUSE),
            question=_last_note(Action.REQUEST_INFORMATION),
            question_at=_last_note(Action.REQUEST_INFORMATION, "at"),
        )
        .annotate(answered_at=Subquery(answers.values("at")[:1]))
        .order_by("prescriber__last_name", "prescriber__first_name", "prescriber_id", "-submitted_at", "-pk")
    )


def panorama(user: User, prescribers: list[User], nam: NAM, *, drug_query: str = "") -> Panorama:
    """The panorama for `nam`: one query for the lines, grouped by prescriber in Python."""
    lines = []
    for item in panorama_queryset(user, prescribers, nam, drug_query=drug_query):
        extra: Any = item  # the annotations
        lines.append(
            PanoramaLine(
                auth_request=item,
                meaning=str(STATUS_MEANING.get(Status(item.status), "")),
                refusal_reason=extra.refusal_reason or "",
                question=extra.question or "",
                question_at=extra.question_at,
                answered_at=extra.answered_at,
            )
        )
    groups = [
        PanoramaGroup(prescriber=group[0].auth_request.prescriber, lines=group)
        for group in (list(g) for _key, g in groupby(lines, key=lambda line: line.auth_request.prescriber_id))
    ]
    return Panorama(
        prescribers=prescribers,
        groups=groups,
        since=local_today() - dt.timedelta(days=PANORAMA_DAYS),
    )


@dataclass(frozen=True)
class StatusLine:
    """Everything a pharmacist may see of a request, and nothing else."""

    drug: str
    status: str
    status_label: str
    sent_on: dt.date
    authorized_start: dt.date | None
    authorized_end: dt.date | None
    authorized_quantity: str
    prescriber_name: str
    written_in: str = ""  # the prescriber's language: the authorized quantity is in their words


STATUS_FIELDS = (
    "drug__generic_name_fr",
    "drug__generic_name_en",
    "drug__strength",
    "drug_description",
    "status",
    "submitted_at",
    "authorized_start",
    "authorized_end",
    "authorized_quantity",
    "prescriber__language",
    "prescriber__first_name",
    "prescriber__last_name",
)


def status_window_start() -> dt.datetime:
    return start_of_local_day(add_months(local_today(), -STATUS_MONTHS))


def status_lookup(nam: NAM, *, drug_query: str = "") -> list[StatusLine]:
    today = local_today()
    rows = (
        requests_for_insured(nam)
        .exclude(status=Status.DRAFT)
        .filter(
            Q(submitted_at__gte=status_window_start()) | Q(status=Status.ACCEPTED, authorized_end__gte=today)
        )
    )
    if drug_query:
        rows = rows.filter(drug_filter(drug_query))
    english = (get_language() or "fr").startswith("en")
    lines = []
    for row in rows.order_by("-submitted_at", "-pk").values(*STATUS_FIELDS):
        name = (english and row["drug__generic_name_en"]) or row["drug__generic_name_fr"]
        drug = f"{name} {row['drug__strength']}".strip() if name else row["drug_description"]
        accepted = row["status"] == Status.ACCEPTED
        lines.append(
            StatusLine(
                drug=drug,
                status=row["status"],
                status_label=str(Status(row["status"]).label),
                sent_on=row["submitted_at"].astimezone(REGIE_TZ).date(),
                authorized_start=row["authorized_start"] if accepted else None,
                authorized_end=row["authorized_end"] if accepted else None,
                authorized_quantity=row["authorized_quantity"] if accepted else "",
                prescriber_name=f"{row['prescriber__first_name']} {row['prescriber__last_name']}".strip(),
                written_in=row["prescriber__language"],
            )
        )
    return lines
