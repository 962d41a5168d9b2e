"""The doors of the review that read: the queue, a request under review, a decision letter (and its
preview), and the decisions part of the prescriber's request page. Each records its read; an unknown or
forbidden id is the recorded 404 (`Unseen`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.denials import Unseen, door
from pme.audit.services import record
from pme.authorizations.access import requests_visible_to
from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.periods import period_end, requested_end
from pme.authorizations.reads import RequestFile, record_view, request_file
from pme.authorizations.services import unseen_request
from pme.catalogue.cached import criteria_of
from pme.core.nam import NAM
from pme.core.timeutils import local_today, now
from pme.review import selectors
from pme.review.clock import ClockReading, read_clock
from pme.review.letters import LetterDraft, decision_letter, draft_letter
from pme.review.models import Decision, DecisionKind
from pme.review.services import is_supervisor, last_refuser_id

PAGE_SIZE = 25
DECIDING = frozenset({Action.ACCEPT, Action.REFUSE, Action.REQUEST_INFORMATION})


def require_reviewer(user: User) -> None:
    """Review pages are a role area: other roles get 403 (the page exists, it is not theirs)."""
    if not user.is_authenticated or user.role != Role.REVIEWER or not user.is_active:
        raise PermissionDenied


# ---- The queue ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueuePage:
    page: Page
    rows: list[selectors.QueueRow]
    counts: list[tuple[Status, int]]


@door
def view_queue(*, reviewer: User, filters: selectors.QueueFilters, page: int | str = 1) -> QueuePage:
    require_reviewer(reviewer)
    with transaction.atomic():
        counts = selectors.queue_counts(reviewer)
        if filters == selectors.QueueFilters():
            # Unfiltered, the queue is every open request: its size is the stored counters' sum, so the
            # page costs no COUNT over the open rows (3 ms at 3 M requests, growing with the table), and
            # its rows come from a prepared query.
            rows: Any = selectors.UnfilteredQueue(reviewer, sum(counts.values()))
        else:
            rows = selectors.queue_page(reviewer, filters)
        paginator = Paginator(rows, PAGE_SIZE)
        found = paginator.get_page(page)
        requests = list(found.object_list)
        found.object_list = requests
        record(
            AuditCode.QUEUE_VIEWED,
            actor=reviewer,
            result_count=found.paginator.count,
            details={"page": found.number, "requests": [r.pk for r in requests]},
        )
        return QueuePage(found, selectors.with_clocks(requests), [(Status(s), n) for s, n in counts.items()])


@door
def queue_slice(
    *, reviewer: User, filters: selectors.QueueFilters, offset: int, limit: int
) -> tuple[list[AuthorizationRequest], bool]:
    """The API's queue, `limit` at a time from `offset`: (requests, whether more follow)."""
    require_reviewer(reviewer)
    with transaction.atomic():
        found = list(
            selectors.review_queue(reviewer, filters).select_related("prescriber__prescriber_profile")[
                offset : offset + limit + 1
            ]
        )
        record(
            AuditCode.QUEUE_VIEWED,
            actor=reviewer,
            result_count=len(found[:limit]),
            details={"offset": offset, "requests": [r.pk for r in found[:limit]]},
        )
        return found[:limit], len(found) > limit


def drugs_in_queue(reviewer: User) -> list[Any]:
    """The drugs of open requests, for the queue's filter (catalogue data, no personal information)."""
    require_reviewer(reviewer)
    return selectors.listed_drugs_in_queue(reviewer)


def active_reviewers(reviewer: User) -> list[User]:
    require_reviewer(reviewer)
    return list(selectors.reviewers())


def active_refusal_reasons() -> list[Any]:
    return list(selectors.active_refusal_reasons())


# ---- Decisions shown on request pages -----------------------------------------------------------------


@dataclass(frozen=True)
class DecisionView:
    decision: Decision
    reasons: list[selectors.ReasonLine]

    @property
    def has_letter(self) -> bool:
        return self.decision.has_letter


def decision_views(auth_request: AuthorizationRequest) -> list[DecisionView]:
    """Every decision on the request, oldest first, with its reasons in the active language (a fixed
    number of queries)."""
    questions = (
        {c.key: c.question for c in criteria_of(auth_request.indication)}
        if auth_request.indication is not None
        else {}
    )
    views = []
    for decision in selectors.decisions_on(auth_request):
        decision.auth_request = auth_request
        lines = [
            selectors.ReasonLine(
                code=line.reason.code,
                text=line.reason.text,
                criterion_key=line.criterion_key,
                criterion_question=questions.get(line.criterion_key, ""),
            )
            for line in decision.reason_lines.all()
        ]
        views.append(DecisionView(decision, lines))
    return views


def request_page_section(auth_request: AuthorizationRequest, actor: User) -> dict[str, Any]:
    """The decisions part of the prescriber's request page (registered with the authorizations app):
    decisions with a letter, newest first."""
    if auth_request.pk is None or auth_request.is_draft:
        return {"decisions": []}
    # Every decision is made with its transition (review/services.py): a history without one has none
    # to read. The timeline is in memory here (request_file read it).
    if not any(entry.action in DECIDING for entry in auth_request.timeline.all()):
        return {"decisions": []}
    views = [v for v in decision_views(auth_request) if v.has_letter]
    return {"decisions": list(reversed(views))}


# ---- One request under review ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFile:
    file: RequestFile
    clock: ClockReading | None
    decisions: list[DecisionView]
    earlier: list[AuthorizationRequest]
    requested_end: dt.date | None
    may_take: bool
    own_refusal: bool
    may_decide: bool
    may_reassign: bool

    @property
    def auth_request(self) -> AuthorizationRequest:
        return self.file.auth_request


def holds(user: User, auth_request: AuthorizationRequest) -> bool:
    return auth_request.status == Status.IN_REVIEW and auth_request.assigned_to_id == user.pk


def _fetch(reviewer: User, request_id: int) -> AuthorizationRequest:
    try:
        return (
            requests_visible_to(reviewer)
            .select_related("prescriber", "entered_by", "drug", "indication", "indication__exception_code")
            .select_related("assigned_to", "prescriber__prescriber_profile")
            .get(pk=request_id)
        )
    except (AuthorizationRequest.DoesNotExist, ValueError, TypeError):
        raise unseen_request(reviewer, request_id) from None


@door
def open_for_review(*, reviewer: User, request_id: int, page: str = "review") -> ReviewFile:
    require_reviewer(reviewer)
    with transaction.atomic():
        auth_request = _fetch(reviewer, request_id)
        record_view(reviewer, auth_request, page=page)
        file = request_file(auth_request, reviewer)
        refuser = last_refuser_id(auth_request) if auth_request.is_review else None
        open_for_taking = auth_request.assigned_to_id is None and auth_request.status in (
            Status.SUBMITTED,
            Status.IN_REVIEW,
        )
        in_queue = auth_request.status in selectors.QUEUE_STATUSES
        return ReviewFile(
            file=file,
            clock=read_clock(auth_request, file.timeline, at=now()) if in_queue else None,
            decisions=decision_views(auth_request),
            earlier=list(selectors.earlier_requests(auth_request)[:20]),
            requested_end=requested_end(auth_request),
            may_take=open_for_taking and refuser != reviewer.pk,
            own_refusal=open_for_taking and refuser == reviewer.pk,
            may_decide=holds(reviewer, auth_request),
            may_reassign=is_supervisor(reviewer) and in_queue,
        )


def acceptance_defaults(auth_request: AuthorizationRequest) -> dict[str, Any]:
    """The requested start; the end at the indication's maximum, never after the end asked."""
    from pme.authorizations.models import RequestType

    start = auth_request.requested_start or local_today()
    end = requested_end(auth_request)
    indication = auth_request.indication
    if indication is not None:
        renewal = auth_request.request_type in (RequestType.RENEWAL, RequestType.CONTINUATION)
        amount = (indication.renewal_duration if renewal else None) or indication.initial_duration
        if amount:
            maximum = period_end(start, amount, indication.duration_unit)
            end = min(end, maximum) if end else maximum
    return {"start": start, "end": end, "quantity": auth_request.quantity}


# ---- Letters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterFile:
    content: bytes
    filename: str


@door
def download_letter(*, actor: User, decision_id: int) -> LetterFile:
    """A decision letter (acceptances and refusals), for whoever may see the request: its prescriber,
    their collaborators (sent in the last 90 days), reviewers."""
    with transaction.atomic():
        try:
            decision = Decision.objects.select_related(
                "auth_request",
                "auth_request__prescriber",
                "auth_request__indication",
                "auth_request__drug",
                "reviewer",
            ).get(
                pk=decision_id,
                kind__in=(DecisionKind.ACCEPTED, DecisionKind.REFUSED),
                auth_request__in=requests_visible_to(actor),
            )
        except (Decision.DoesNotExist, ValueError, TypeError):
            nam = (
                Decision.objects.filter(pk=decision_id).values_list("auth_request__nam", flat=True).first()
                if isinstance(decision_id, int)
                else None
            )
            raise Unseen(
                actor=actor,
                object_type="review.decision",
                object_id=decision_id,
                exists=nam is not None,
                nam=NAM(nam) if nam else None,
            ) from None
        auth_request = decision.auth_request
        record(
            AuditCode.LETTER_DOWNLOADED,
            actor=actor,
            target=auth_request,
            nam=auth_request.nam_value,
            on_behalf_of=auth_request.prescriber if actor.pk != auth_request.prescriber_id else None,
            details={"decision": decision.pk},
        )
        return LetterFile(decision_letter(decision), f"decision-{auth_request.number}.pdf")


@door
def preview_letter(*, reviewer: User, request_id: int, draft: LetterDraft) -> LetterFile:
    """The letter a decision not yet taken would send, for the reviewer who holds the request."""
    require_reviewer(reviewer)
    with transaction.atomic():
        auth_request = _fetch(reviewer, request_id)
        if not holds(reviewer, auth_request):
            raise unseen_request(reviewer, request_id)
        record(
            AuditCode.LETTER_PREVIEWED,
            actor=reviewer,
            target=auth_request,
            nam=auth_request.nam_value,
            details={"kind": draft.kind},
        )
        return LetterFile(draft_letter(auth_request, draft), f"apercu-{auth_request.number}.pdf")


@door
def my_taken_requests(*, reviewer: User, limit: int = 10) -> list[AuthorizationRequest]:
    """The requests the reviewer holds (in process), longest waiting first: their home page."""
    require_reviewer(reviewer)
    with transaction.atomic():
        taken = list(
            selectors.review_queue(reviewer, selectors.QueueFilters(status=Status.IN_REVIEW, mine=True))[
                :limit
            ]
        )
        if taken:
            record(
                AuditCode.REQUEST_LIST_VIEWED,
                actor=reviewer,
                result_count=len(taken),
                details={"page": "home", "requests": [r.pk for r in taken]},
            )
        return taken
