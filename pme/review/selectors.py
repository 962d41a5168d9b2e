"""Reads of the review. Every query starts from `requests_visible_to(user)` (reviewers see every request
sent). The consultation app calls `refusal_reasons_for` and `latest_information_request` (docs/review.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from pme.accounts.models import Role, User
from pme.authorizations import queue
from pme.authorizations.access import actor_shape, requests_visible_to, shaped_actor
from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import AuthorizationRequest, TimelineEntry
from pme.authorizations.reads import shown_answer
from pme.catalogue.cached import criteria_of
from pme.catalogue.models import Drug
from pme.core.prepared import Prepared
from pme.core.timeutils import now
from pme.review.clock import MOMENT_FIELDS, ClockReading, Moment, read_clock
from pme.review.models import Decision, DecisionKind, DecisionReason, RefusalReason

QUEUE_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED)


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    drug_id: int | None = None
    therapeutic_system: str = ""
    older_than_days: int | None = None
    mine: bool = False


def _with_queue_order(requests: QuerySet[AuthorizationRequest]) -> QuerySet[AuthorizationRequest]:
    """The stored queue order (pme/authorizations/queue.py): urgent, then standard, then paused (waiting
    for the prescriber); in each, the longest waiting first. Read through the partial index
    `authreq_queue`, so a page costs the same at 100 k and at 3 M requests."""
    return requests.order_by("queue_rank", "queued_since", "pk")


def review_queue(reviewer: User, filters: QueueFilters | None = None) -> QuerySet[AuthorizationRequest]:
    """Open requests, urgent first, then the longest waiting (a review counts from when it was asked);
    those waiting for the prescriber come after the ones the Régie can work on."""
    filters = filters or QueueFilters()
    requests = requests_visible_to(reviewer).filter(status__among=QUEUE_STATUSES)
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.drug_id:
        requests = requests.filter(drug_id=filters.drug_id)
    if filters.therapeutic_system:
        requests = requests.filter(drug__therapeutic_system=filters.therapeutic_system)
    if filters.mine:
        requests = requests.filter(assigned_to=reviewer)
    if filters.older_than_days:
        requests = requests.filter(queued_since__lte=now() - dt.timedelta(days=filters.older_than_days))
    return _with_queue_order(requests.select_related("drug", "assigned_to", "prescriber"))


# What one row of the queue page shows (and its clock reads): a page reads only these columns.
QUEUE_PAGE_FIELDS = (
    "number",
    "is_review",
    "urgency",
    "status",
    "submitted_at",
    "queued_since",
    "queue_rank",
    "drug_description",
    "drug__generic_name_fr",
    "drug__generic_name_en",
    "drug__strength",
    "assigned_to__username",
    "assigned_to__first_name",
    "assigned_to__last_name",
)


def queue_page(reviewer: User, filters: QueueFilters | None = None) -> QuerySet[AuthorizationRequest]:
    """`review_queue` for the queue page: the columns its rows show, with their drug and reviewer."""
    return (
        review_queue(reviewer, filters)
        .select_related(None)
        .select_related("drug", "assigned_to")
        .only(*QUEUE_PAGE_FIELDS)
    )


# The unfiltered queue page, the drug filter's list and the rows' timelines: built and compiled once per
# shape (pme/core/prepared.py), run with each call's values. The page's window is in the shape (Django
# writes LIMIT and OFFSET into the SQL).
_QUEUE_WINDOW = Prepared(
    "queue_window",
    lambda shape, user: queue_page(shaped_actor(shape, user)),
)
_DRUGS_IN_QUEUE = Prepared("drugs_in_queue", lambda shape, user: drugs_in_queue(shaped_actor(shape, user)))
_MOMENTS = Prepared(
    "queue_moments",
    lambda shape, ids: TimelineEntry.objects.filter(auth_request__in=ids).values(
        "auth_request_id", *MOMENT_FIELDS
    ),
)


class UnfilteredQueue:
    """Every open request in queue order, as the paginator reads it: its size from the stored counters
    (no COUNT over the open rows), each page's rows from the prepared `queue_page`."""

    def __init__(self, reviewer: User, total: int) -> None:
        self.reviewer = reviewer
        self.total = total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[AuthorizationRequest]:
        start = window.start or 0
        stop = self.total if window.stop is None else window.stop
        return _QUEUE_WINDOW.run(
            actor_shape(self.reviewer), window=(start, max(stop - start, 0)), user=self.reviewer.pk
        )


def listed_drugs_in_queue(reviewer: User) -> list[Drug]:
    """`drugs_in_queue`, from its prepared form."""
    return _DRUGS_IN_QUEUE.run(actor_shape(reviewer), user=reviewer.pk)


def queue_counts(reviewer: User) -> dict[str, int]:
    """How many open requests there are in each status (whatever the filters), from the counters the
    lifecycle keeps (no scan of the requests table). Régie reviewers see every sent request; anyone else
    counts only the open requests visible to them."""
    if reviewer.is_authenticated and reviewer.is_active and reviewer.role == Role.REVIEWER:
        return queue.open_counts()
    rows = (
        requests_visible_to(reviewer)
        .filter(status__in=QUEUE_STATUSES)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, int] = dict.fromkeys(QUEUE_STATUSES, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def drugs_in_queue(reviewer: User) -> QuerySet[Drug]:
    ids = (
        requests_visible_to(reviewer)
        .filter(status__among=QUEUE_STATUSES, drug__isnull=False)
        .values("drug_id")
    )
    return Drug.objects.filter(pk__in=ids).order_by("sort_name").only("generic_name_fr", "generic_name_en")


@dataclass(frozen=True)
class QueueRow:
    auth_request: AuthorizationRequest
    clock: ClockReading


def with_clocks(requests: list[AuthorizationRequest], *, at: dt.datetime | None = None) -> list[QueueRow]:
    """The decision clock of each request of one page (one query for all their timelines)."""
    at = at or now()
    entries: dict[int, list[Moment]] = {r.pk: [] for r in requests}
    if requests:
        for row in _MOMENTS.run(ids=tuple(r.pk for r in requests)):
            entries[row["auth_request_id"]].append(Moment(*(row[f] for f in MOMENT_FIELDS)))
    return [QueueRow(r, read_clock(r, entries[r.pk], at=at)) for r in requests]


def clock_of(auth_request: AuthorizationRequest, *, at: dt.datetime | None = None) -> ClockReading:
    return read_clock(auth_request, list(auth_request.timeline.all()), at=at or now())


def reviewers() -> QuerySet[User]:
    return User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("last_name", "first_name")


def earlier_requests(auth_request: AuthorizationRequest) -> QuerySet[AuthorizationRequest]:
    """Other requests sent for the same insured person and the same drug, newest first."""
    others = AuthorizationRequest.objects.filter(nam=auth_request.nam).exclude(pk=auth_request.pk)
    others = others.exclude(status=Status.DRAFT)
    if auth_request.drug_id:
        others = others.filter(drug_id=auth_request.drug_id)
    else:
        others = others.filter(drug_description__iexact=auth_request.drug_description)
    return others.select_related("drug").order_by("-submitted_at")


def decisions_on(auth_request: AuthorizationRequest) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(auth_request=auth_request)
        .select_related("reviewer")
        .prefetch_related(Prefetch("reason_lines", queryset=DecisionReason.objects.select_related("reason")))
        .order_by("created_at", "pk")
    )


def latest_decision(auth_request: AuthorizationRequest) -> Decision | None:
    """The decision behind the request's current status (None for an automatic acceptance)."""
    if auth_request.status not in (Status.ACCEPTED, Status.REFUSED) or auth_request.automated:
        return None
    kind = DecisionKind.ACCEPTED if auth_request.status == Status.ACCEPTED else DecisionKind.REFUSED
    return decisions_on(auth_request).filter(kind=kind).order_by("-created_at", "-pk").first()


@dataclass(frozen=True)
class ReasonLine:
    code: str
    text: str  # in the active language
    criterion_key: str
    criterion_question: str  # in the active language; "" when the reason names no criterion


def _criterion_questions(auth_request: AuthorizationRequest) -> dict[str, str]:
    if auth_request.indication is None:
        return {}
    return {c.key: c.question for c in criteria_of(auth_request.indication)}


def reason_lines(decision: Decision) -> list[ReasonLine]:
    questions = _criterion_questions(decision.auth_request)
    return [
        ReasonLine(
            code=line.reason.code,
            text=line.reason.text,
            criterion_key=line.criterion_key,
            criterion_question=questions.get(line.criterion_key, ""),
        )
        for line in decision.reason_lines.all()
    ]


def refusal_reasons_for(auth_request: AuthorizationRequest) -> list[ReasonLine]:
    """The coded reasons of the refusal behind the request's current status, in the active language;
    [] when the request is not refused. Callers fetch `auth_request` through their own access door."""
    if auth_request.status != Status.REFUSED:
        return []
    decision = latest_decision(auth_request)
    return reason_lines(decision) if decision else []


@dataclass(frozen=True)
class InformationRequest:
    asked_at: dt.datetime
    questions: str
    answered: bool


def latest_information_request(auth_request: AuthorizationRequest) -> InformationRequest | None:
    """The last questions the Régie asked about this request, and whether they were answered."""
    decision = (
        Decision.objects.filter(auth_request=auth_request, kind=DecisionKind.INFORMATION_REQUESTED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if decision is None:
        return None
    answered = auth_request.timeline.filter(action=Action.ANSWER, at__gte=decision.created_at).exists()
    return InformationRequest(asked_at=decision.created_at, questions=decision.text, answered=answered)


def active_refusal_reasons() -> QuerySet[RefusalReason]:
    return RefusalReason.objects.filter(active=True)


def criteria_rows(auth_request: AuthorizationRequest) -> list[dict[str, Any]]:
    """Each criterion of the indication version, the prescriber's answer and the evaluation's result."""
    if auth_request.indication is None:
        return []
    results = {r["key"]: r for r in (auth_request.evaluation or {}).get("results", [])}
    rows = []
    for criterion in criteria_of(auth_request.indication):
        answer, written = shown_answer(criterion, auth_request.answers.get(criterion.key))
        result = results.get(criterion.key, {})
        rows.append(
            {
                "key": criterion.key,
                "question": criterion.question,
                "answer": answer,
                "written": written,
                "outcome": result.get("outcome", ""),
                "reason": result.get("reason", ""),
            }
        )
    return rows
