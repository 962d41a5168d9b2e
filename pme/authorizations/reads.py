"""The doors that read payment authorization requests: every read of a request, a list, an attachment.

Each takes the acting user, fetches through the access rule (`access.py`: a collaborator sees the sent
requests of the prescribers they work for today sent in the last 90 days, plus the drafts they entered),
records the read in the audit trail (fail closed: no event, no data) and returns display-ready data.
An unknown or forbidden id raises `Unseen` (the same 404 for both) and is recorded as `access.denied`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.denials import Unseen, door
from pme.audit.services import record
from pme.authorizations.access import (
    actor_shape,
    acts_as_prescriber,
    may_edit_draft,
    may_write_for,
    prescribers_user_can_draft_for,
    prescribers_user_follows,
    requests_visible_to,
    shaped_actor,
)
from pme.authorizations.lifecycle import OPEN_STATUSES, STATUS_MEANING, Action, Status, allowed_actions
from pme.authorizations.models import (
    Attachment,
    AuthorizationRequest,
    Notification,
    PreviousTreatment,
    RequestVersion,
    TimelineEntry,
)
from pme.authorizations.notifications import mark_read
from pme.authorizations.services import Route, review_deadline, unseen_request
from pme.catalogue.cached import criteria_of
from pme.core.nam import NAM, InvalidNAM
from pme.core.prefetched import known, remember
from pme.core.prepared import Prepared, run_together
from pme.core.timeutils import local_today

# How long a prescriber has to answer the Régie's question (À préciser) before the request may be
# closed (assumed: 30 days, as the Régie gives for a paper request for information).
ANSWER_DAYS = 30
ENDING_SOON_DAYS = 30

# Other apps add their parts to the request page (the review app: its decisions and letters) without
# this app importing them: each provider receives the request and returns template context.
RequestSection = Callable[[AuthorizationRequest, User], dict[str, Any]]
_SECTIONS: list[RequestSection] = []


def add_request_section(provider: RequestSection) -> None:
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)


_RELATED = ("prescriber", "entered_by", "drug", "indication", "indication__exception_code")


def _visible_request(
    shape: tuple[str, bool, bool], user: int, request: int
) -> QuerySet[AuthorizationRequest]:
    with_unread = shape[2]
    found = requests_visible_to(shaped_actor(shape, user)).select_related(*_RELATED).filter(pk=request)
    if with_unread:
        unread = Notification.objects.filter(user=user, auth_request=OuterRef("pk"), read_at__isnull=True)
        found = found.annotate(has_unread=Exists(unread))
    return found


# The fetch of every request page, compiled once a day per role (pme/core/prepared.py).
VISIBLE_REQUEST = Prepared("visible_request", _visible_request)


def _fetch(actor: User, request_id: int, *, with_unread: bool = False) -> AuthorizationRequest:
    """The request if `actor` may see it, else Unseen. `with_unread`: with `has_unread`, whether the
    actor has home-page items about it not read yet (in the same query)."""
    if isinstance(request_id, int) and not isinstance(request_id, bool) and actor.is_authenticated:
        found = VISIBLE_REQUEST.run((*actor_shape(actor), with_unread), user=actor.pk, request=request_id)
        if found:
            return found[0]
        raise unseen_request(actor, request_id)
    try:
        return requests_visible_to(actor).select_related(*_RELATED).get(pk=request_id)
    except (AuthorizationRequest.DoesNotExist, ValueError, TypeError):
        raise unseen_request(actor, request_id) from None


def _on_behalf_of(actor: User, auth_request: AuthorizationRequest) -> User | None:
    return auth_request.prescriber if actor.pk != auth_request.prescriber_id else None


def record_view(actor: User, auth_request: AuthorizationRequest, *, page: str) -> None:
    """The one "request viewed" event, for every door that shows a request (pages, API, FHIR, review)."""
    record(
        AuditCode.REQUEST_VIEWED,
        actor=actor,
        target=auth_request,
        nam=auth_request.nam_value,
        on_behalf_of=_on_behalf_of(actor, auth_request),
        details={"page": page},
    )


# ---- One request -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    key: str
    question: str
    answer: Any
    outcome: str | None
    written: bool = True  # the prescriber's own words or figures; False for a label in the page's language


@dataclass(frozen=True)
class Question:
    """The Régie's latest question on a request waiting for the prescriber (À préciser)."""

    text: str
    asked_at: dt.datetime
    answer_by: dt.date


@dataclass(frozen=True)
class NumberedAttachment:
    attachment: Attachment
    number: int  # 1, 2, ... in the order they were added: the downloaded file's name

    @property
    def download_name(self) -> str:
        return attachment_name(self.attachment.auth_request, self.number, self.attachment.extension)


@dataclass(frozen=True)
class RequestFile:
    """Everything a page, the API or FHIR shows of one request, read once (templates run no query)."""

    auth_request: AuthorizationRequest
    meaning: str
    timeline: list[TimelineEntry]
    versions: list[RequestVersion]
    treatments: list[PreviousTreatment]
    attachments: list[NumberedAttachment]
    criteria: list[CriterionRow]
    question: Question | None
    route: str
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def latest_question(self) -> str:
        return self.question.text if self.question else ""


@dataclass(frozen=True)
class RequestActions:
    """What the actor may do on the request page."""

    may_edit: bool
    may_transmit: bool
    may_withdraw: bool
    may_answer: bool
    may_ask_review: bool
    may_renew: bool
    review_deadline: dt.date | None


def attachment_name(auth_request: AuthorizationRequest, number: int, extension: str) -> str:
    """`2026-000123-1.pdf`: the request number, the attachment's rank, the extension of the type read
    from the content (never the uploaded name, which could be `evil.html`)."""
    stem = auth_request.number or f"brouillon-{auth_request.pk}"
    return f"{stem}-{number}{extension}"


def route_of(auth_request: AuthorizationRequest) -> str:
    """Why the request went where it went, for requests sent before the route was stored too."""
    evaluation = auth_request.evaluation or {}
    if "route" in evaluation:
        return str(evaluation["route"])
    if auth_request.automated:
        return Route.ACCEPTED
    if not evaluation:
        return Route.EXCEPTIONAL_PATIENT if auth_request.indication_id is None else ""
    if evaluation.get("overall") == "not_met":
        return Route.NOT_MET
    if evaluation.get("overall") != "met":
        return Route.NEEDS_ASSESSMENT
    return Route.REVIEWER_REQUIRED


def shown_answer(criterion: Any, answer: Any) -> tuple[Any, bool]:
    """A criterion's answer as a page shows it, and whether it is the prescriber's own writing (numbers,
    dates, drug names: marked with their language) or a label in the page's language (yes/no, a choice)."""
    if isinstance(answer, bool):
        return (_("Yes") if answer else _("No")), False
    if isinstance(answer, list):
        return "; ".join(
            f"{a.get('drug')} ({a.get('outcome')})" if isinstance(a, dict) else str(a) for a in answer
        ), True
    if criterion.kind == "choice" and answer not in (None, ""):
        return criterion.choice_label(answer), False
    return answer, True


def _criteria_rows(auth_request: AuthorizationRequest) -> list[CriterionRow]:
    if auth_request.indication is None:
        return []
    outcomes = {r["key"]: r["outcome"] for r in (auth_request.evaluation or {}).get("results", [])}
    rows = []
    for criterion in criteria_of(auth_request.indication):
        answer, written = shown_answer(criterion, auth_request.answers.get(criterion.key))
        rows.append(
            CriterionRow(criterion.key, criterion.question, answer, outcomes.get(criterion.key), written)
        )
    return rows


def _question(auth_request: AuthorizationRequest, timeline: list[TimelineEntry]) -> Question | None:
    if auth_request.status != Status.INFORMATION_REQUESTED:
        return None
    asked = [e for e in timeline if e.action == Action.REQUEST_INFORMATION]
    if not asked:
        return None
    latest = asked[-1]
    day = timezone.localtime(latest.at).date()
    return Question(latest.note, latest.at, day + dt.timedelta(days=ANSWER_DAYS))


def _related_list(model: type[Any], related: tuple[str, ...]) -> Prepared:
    def build(shape: object, request: int) -> QuerySet[Any]:
        found = model.objects.filter(auth_request_id=request)
        return found.select_related(*related) if related else found

    return Prepared(f"request_{model._meta.model_name}", build)


# A request's lists, in their models' order, each compiled once (pme/core/prepared.py).
_LISTS: dict[str, Prepared] = {
    "timeline": _related_list(TimelineEntry, ("actor",)),
    "attachments": _related_list(Attachment, ("added_by",)),
    "versions": _related_list(RequestVersion, ("created_by",)),
    "previous_treatments": _related_list(PreviousTreatment, ()),
}


def _all_listed(auth_request: AuthorizationRequest) -> dict[str, list[Any]]:
    """The request's related lists: as prefetched, or as the change that just wrote them left them on the
    instance (`known.remember`); the others read together, in one round trip on PostgreSQL. Each item
    knows its request (no query back)."""
    kept = {name: known(auth_request, name) for name in _LISTS}
    missing = [name for name, items in kept.items() if items is None]
    together = run_together(*((_LISTS[name], (), {"request": auth_request.pk}) for name in missing))
    read = dict(zip(missing, together, strict=True))
    lists = {name: read[name] if items is None else items for name, items in kept.items()}
    for items in lists.values():
        for item in items:
            item.auth_request = auth_request
    return lists


def request_file(auth_request: AuthorizationRequest, actor: User) -> RequestFile:
    """Assembles the file of a request the caller already fetched through the access rule: a fixed
    number of queries, whatever the length of its history."""
    lists = _all_listed(auth_request)
    timeline = lists["timeline"]
    remember(auth_request, "timeline", timeline)  # the sections below read it from memory
    attachments = [NumberedAttachment(a, n) for n, a in enumerate(lists["attachments"], start=1)]
    criteria = _criteria_rows(auth_request)
    sections: dict[str, Any] = {}
    for provider in _SECTIONS:
        sections.update(provider(auth_request, actor))
    return RequestFile(
        auth_request=auth_request,
        meaning=str(STATUS_MEANING.get(Status(auth_request.status), "")),
        timeline=timeline,
        versions=lists["versions"],
        treatments=lists["previous_treatments"],
        attachments=attachments,
        criteria=criteria,
        question=_question(auth_request, timeline),
        route=route_of(auth_request),
        sections=sections,
    )


def actions_for(actor: User, auth_request: AuthorizationRequest) -> RequestActions:
    is_prescriber = acts_as_prescriber(actor, auth_request)
    actions = allowed_actions(auth_request.status) if is_prescriber else []
    return RequestActions(
        may_edit=may_edit_draft(actor, auth_request),
        may_transmit=is_prescriber and auth_request.status == Status.DRAFT,
        may_withdraw=Action.WITHDRAW in actions,
        may_answer=Action.ANSWER in actions,
        may_ask_review=Action.ASK_REVIEW in actions,
        may_renew=auth_request.status == Status.ACCEPTED and may_write_for(actor, auth_request.prescriber),
        review_deadline=review_deadline(auth_request),
    )


@door
def open_request(*, actor: User, request_id: int, page: str = "detail") -> RequestFile:
    """A request as its page shows it (`page` names the page, for the trail: detail, edit, withdraw,
    answer, review_request, api, fhir). Marks the actor's home-page items about it as read."""
    with transaction.atomic():
        auth_request = _fetch(actor, request_id, with_unread=True)
        record_view(actor, auth_request, page=page)
        if auth_request.has_unread:  # type: ignore[attr-defined]
            mark_read(actor, auth_request)
        return request_file(auth_request, actor)


@door
def open_sent_request(*, actor: User, request_id: int, page: str) -> RequestFile:
    """As `open_request`, for channels that know only sent requests (FHIR's ClaimResponse): a draft is
    an unknown id there."""
    with transaction.atomic():
        auth_request = _fetch(actor, request_id)
        if auth_request.status == Status.DRAFT:
            raise unseen_request(actor, request_id)
        record_view(actor, auth_request, page=page)
        return request_file(auth_request, actor)


# ---- Attachments -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentDownload:
    file: IO[bytes]
    content_type: str
    filename: str


@door
def download_attachment(*, actor: User, attachment_id: int) -> AttachmentDownload:
    """The file, if the actor may see its request; named `<request number>-<n>.<extension>`."""
    with transaction.atomic():
        try:
            item = Attachment.objects.select_related("auth_request").get(
                pk=attachment_id, auth_request__in=requests_visible_to(actor)
            )
        except (Attachment.DoesNotExist, ValueError, TypeError):
            exists = Attachment.objects.filter(pk=attachment_id).values_list("auth_request__nam", flat=True)
            nam = exists.first() if isinstance(attachment_id, int) else None
            raise Unseen(
                actor=actor,
                object_type="authorizations.attachment",
                object_id=attachment_id,
                exists=nam is not None,
                nam=NAM(nam) if nam else None,
            ) from None
        rank = item.auth_request.attachments.filter(
            Q(added_at__lt=item.added_at) | Q(added_at=item.added_at, pk__lt=item.pk)
        ).count()
        record(
            AuditCode.ATTACHMENT_DOWNLOADED,
            actor=actor,
            target=item,
            nam=item.auth_request.nam_value,
            on_behalf_of=_on_behalf_of(actor, item.auth_request),
        )
        return AttachmentDownload(
            file=item.file.open("rb"),
            content_type=item.content_type,
            filename=attachment_name(item.auth_request, rank + 1, item.extension),
        )


# ---- Lists -------------------------------------------------------------------------------------------------

SORTS: dict[str, tuple[str, ...]] = {
    "sent": ("-submitted_at", "-created_at", "-pk"),
    "sent_asc": ("submitted_at", "created_at", "pk"),
    "status": ("status", "-submitted_at", "-pk"),
    "drug": ("drug__sort_name", "drug_description", "-submitted_at", "-pk"),
    "person": ("insured_last_name", "insured_first_name", "-submitted_at", "-pk"),
}


@dataclass(frozen=True)
class RequestFilters:
    status: str = ""
    drug_query: str = ""
    person: str = ""  # a NAM (any spacing) or part of a name
    prescriber_id: int | None = None
    sent_from: dt.date | None = None
    sent_to: dt.date | None = None
    sort: str = "sent"

    def summary(self) -> dict[str, Any]:
        """The filters for the trail, without the person searched for (recorded as a NAM hash)."""
        return {
            "status": self.status,
            "drug": self.drug_query,
            "person": "nam" if _as_nam(self.person) else ("name" if self.person else ""),
            "prescriber": self.prescriber_id,
            "sent_from": self.sent_from.isoformat() if self.sent_from else "",
            "sent_to": self.sent_to.isoformat() if self.sent_to else "",
            "sort": self.sort,
        }


def _as_nam(text: str) -> NAM | None:
    try:
        return NAM.parse(text) if text.strip() else None
    except InvalidNAM:
        return None


def _filtered(actor: User, filters: RequestFilters) -> QuerySet[AuthorizationRequest]:
    requests = requests_visible_to(actor).select_related("drug", "prescriber")
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.drug_query:
        query = filters.drug_query.lower()
        requests = requests.filter(
            Q(drug__search_document__contains=query) | Q(drug_description__icontains=filters.drug_query)
        )
    nam = _as_nam(filters.person)
    if nam is not None:
        requests = requests.filter(nam=nam.value)
    elif filters.person.strip():
        for word in filters.person.split()[:4]:
            requests = requests.filter(
                Q(insured_last_name__icontains=word) | Q(insured_first_name__icontains=word)
            )
    if filters.prescriber_id:
        requests = requests.filter(prescriber_id=filters.prescriber_id)
    if filters.sent_from:
        requests = requests.filter(submitted_at__date__gte=filters.sent_from)
    if filters.sent_to:
        requests = requests.filter(submitted_at__date__lte=filters.sent_to)
    return requests.order_by(*SORTS.get(filters.sort, SORTS["sent"]))


@dataclass(frozen=True)
class RequestList:
    page: Page
    prescribers: list[User]  # whose requests the actor follows (a column and a filter when several)

    @property
    def several_prescribers(self) -> bool:
        return len(self.prescribers) > 1


@door
def list_requests(
    *, actor: User, filters: RequestFilters, page: int | str = 1, per_page: int = 25
) -> RequestList:
    """ "My requests": the prescriber's own; a collaborator's, those their prescribers sent in the last 90
    days and the drafts they entered, with the prescriber's name. One event with the count shown."""
    with transaction.atomic():
        found = Paginator(_filtered(actor, filters), per_page).get_page(page)
        rows = list(found.object_list)
        record(
            AuditCode.REQUEST_LIST_VIEWED,
            actor=actor,
            nam=_as_nam(filters.person),
            result_count=found.paginator.count,
            details={"filters": filters.summary(), "page": found.number, "requests": [r.pk for r in rows]},
        )
        found.object_list = rows
        return RequestList(found, prescribers_user_follows(actor))


@door
def list_requests_after(
    *, actor: User, status: str = "", before_id: int | None = None, limit: int = 50
) -> tuple[list[AuthorizationRequest], bool]:
    """The API's list, newest first by id, `limit` at a time: (requests, whether more follow)."""
    with transaction.atomic():
        found = (
            _filtered(actor, RequestFilters(status=status))
            .select_related("prescriber__prescriber_profile")
            .order_by("-pk")
        )
        if before_id is not None:
            found = found.filter(pk__lt=before_id)
        rows = list(found[: limit + 1])
        record(
            AuditCode.REQUEST_LISTED,
            actor=actor,
            result_count=len(rows[:limit]),
            details={"status": status, "requests": [r.pk for r in rows[:limit]]},
        )
        return rows[:limit], len(rows) > limit


# ---- The home page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeTasks:
    """What the person has to do, first on their home page."""

    to_answer: list[AuthorizationRequest]  # the Régie asked for information (the prescriber answers)
    to_transmit: list[AuthorizationRequest]  # drafts waiting to be sent (the prescriber transmits)
    ending_soon: list[AuthorizationRequest]  # accepted, ending within ENDING_SOON_DAYS: renew?
    news: list[Notification]  # decisions and reminders not read yet
    may_draft: bool = False  # offered "New request" (a consult-only assistant is not)

    @property
    def empty(self) -> bool:
        return not (self.to_answer or self.to_transmit or self.ending_soon or self.news)


def _home_news(actor: User) -> list[Notification]:
    return list(
        Notification.objects.filter(
            user=actor, read_at__isnull=True, auth_request__in=requests_visible_to(actor)
        )
        .select_related("auth_request", "auth_request__drug")
        .order_by("-created_at")[:20]
    )


@door
def home_tasks(*, actor: User, limit: int = 10) -> HomeTasks:
    """For prescribers and collaborators: requests awaiting an answer, drafts to transmit, authorizations
    ending soon, unread news. Other roles get nothing here (their apps give theirs)."""
    if actor.role not in (Role.PRESCRIBER, Role.COLLABORATOR):
        return HomeTasks([], [], [], [])
    with transaction.atomic():
        visible = requests_visible_to(actor).select_related("drug", "prescriber", "entered_by")
        today = local_today()
        tasks = HomeTasks(
            to_answer=list(
                visible.filter(status=Status.INFORMATION_REQUESTED).order_by("submitted_at")[:limit]
            ),
            to_transmit=list(visible.filter(status=Status.DRAFT).order_by("-updated_at")[:limit]),
            ending_soon=list(
                visible.filter(
                    status=Status.ACCEPTED,
                    authorized_end__gte=today,
                    authorized_end__lte=today + dt.timedelta(days=ENDING_SOON_DAYS),
                ).order_by("authorized_end")[:limit]
            ),
            news=_home_news(actor),
            may_draft=bool(prescribers_user_can_draft_for(actor)),
        )
        shown = {r.pk for r in (*tasks.to_answer, *tasks.to_transmit, *tasks.ending_soon)}
        shown |= {n.auth_request_id for n in tasks.news}
        if shown:
            record(
                AuditCode.REQUEST_LIST_VIEWED,
                actor=actor,
                result_count=len(shown),
                details={"page": "home", "requests": sorted(shown)},
            )
        return tasks


@door
def open_duplicates(*, actor: User, request_id: int) -> list[AuthorizationRequest]:
    """Open requests for the same insured person and drug (any prescriber's), shown to the prescriber
    before sending `request_id`: their number, status and date only. Recorded when any is shown."""
    with transaction.atomic():
        draft = _fetch(actor, request_id)
        others = AuthorizationRequest.objects.filter(nam=draft.nam, status__in=OPEN_STATUSES).exclude(
            pk=draft.pk
        )
        if draft.drug_id:
            others = others.filter(drug_id=draft.drug_id)
        else:
            others = others.filter(drug_description__iexact=draft.drug_description)
        found = list(others.order_by("-submitted_at")[:5])
        if found:
            record(
                AuditCode.REQUEST_LIST_VIEWED,
                actor=actor,
                nam=draft.nam_value,
                result_count=len(found),
                details={"page": "duplicates", "requests": [r.pk for r in found]},
            )
        return found
