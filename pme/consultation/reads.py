"""The look-up doors by insured person: the panorama (prescribers, collaborators), the pharmacist's
status look-up, and the FHIR inquiry. Each checks the role, counts the look-up against the throttle
(a refusal is recorded too), reads through the authorizations app's access rule, records one
`insured.searched` event with the NAM's keyed hash and what was shown (count, read and event in one
transaction), and returns display-ready data: what a line may show (period, reasons, question) is
decided here once, for the page and the API alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.denials import door
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.authorizations.access import RECENT_DAYS, prescribers_user_follows, status_window_start
from pme.authorizations.lifecycle import STATUS_MEANING, Status
from pme.authorizations.models import AuthorizationRequest
from pme.consultation import selectors, throttle
from pme.core.nam import NAM
from pme.core.timeutils import local_today

PANORAMA_ROLES = frozenset({Role.PRESCRIBER, Role.COLLABORATOR})
PANORAMA = "panorama"
STATUS_LOOKUP = "status_lookup"
FHIR_INQUIRE = "fhir_inquire"


class Throttled(Exception):
    """Too many look-ups in the window: nothing was read; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def require_panorama_user(user: User) -> None:
    if not user.is_authenticated or user.role not in PANORAMA_ROLES:
        raise PermissionDenied


def require_pharmacist(user: User) -> None:
    if not user.is_authenticated or user.role != Role.PHARMACIST:
        raise PermissionDenied


def _refuse(actor: User, verdict: throttle.Verdict, service: str) -> Throttled:
    with transaction.atomic():
        record(
            AuditCode.INSURED_SEARCHED,
            actor=actor,
            outcome=Outcome.DENIED,
            details={"service": service, "throttled": True},
        )
    return Throttled(verdict.retry_after)


@contextmanager
def _counted(actor: User, service: str) -> Iterator[None]:
    """The look-up's transaction: its count against the throttle, its read and its event commit together,
    so a look-up that fails (the audit down: 503) is not counted. The counter's row stays locked until
    then: one user's look-ups, and only theirs, follow each other. A refused look-up reads nothing; its
    refusal is recorded on its own, after the empty transaction."""
    with transaction.atomic():
        verdict = throttle.count_look_up(actor.pk)
        if verdict.allowed:
            yield
            return
    raise _refuse(actor, verdict, service)


def check_not_throttled(*, actor: User, service: str) -> None:
    """Before keeping a search (the form's POST): refuses, recorded, when the next display would be
    over the limit. Counts nothing: the results page counts."""
    verdict = throttle.peek(actor.pk)
    if not verdict.allowed:
        raise _refuse(actor, verdict, service)


def _name_on_file(requests: list[AuthorizationRequest]) -> str:
    """The insured person's name as on the newest request found, for the user to confirm the person."""
    if not requests:
        return ""
    newest = max(requests, key=lambda r: (r.submitted_at or r.created_at, r.pk))
    return f"{newest.insured_first_name} {newest.insured_last_name}".strip()


# ---- Panorama ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanoramaLine:
    auth_request: AuthorizationRequest
    meaning: str
    # What the status lets the line show; empty otherwise.
    authorized_start: dt.date | None
    authorized_end: dt.date | None
    authorized_quantity: str
    refusal_reasons: list[str]  # coded reasons in the reader's language, then the reviewer's note
    question: str
    question_at: dt.datetime | None
    answered_at: dt.datetime | None


@dataclass(frozen=True)
class PanoramaGroup:
    prescriber: User
    lines: list[PanoramaLine]


@dataclass(frozen=True)
class Panorama:
    nam: NAM
    drug_query: str
    prescribers: list[User]
    groups: list[PanoramaGroup]
    since: dt.date
    person_name: str

    @property
    def count(self) -> int:
        return sum(len(g.lines) for g in self.groups)

    @property
    def request_ids(self) -> list[int]:
        return [line.auth_request.pk for g in self.groups for line in g.lines]

    @property
    def grouped(self) -> bool:
        return len(self.prescribers) > 1


def _panorama_line(item: AuthorizationRequest) -> PanoramaLine:
    extra = item  # the annotations of selectors.panorama_queryset
    accepted = item.status == Status.ACCEPTED
    reasons: list[str] = []
    if item.status == Status.REFUSED:
        reasons = [*item.refusal_reason_texts]
        note = getattr(extra, "refusal_reason", "") or ""
        if note:
            reasons.append(note)
    asked = item.status == Status.INFORMATION_REQUESTED or bool(getattr(extra, "question", ""))
    return PanoramaLine(
        auth_request=item,
        meaning=str(STATUS_MEANING.get(Status(item.status), "")),
        authorized_start=item.authorized_start if accepted else None,
        authorized_end=item.authorized_end if accepted else None,
        authorized_quantity=item.authorized_quantity if accepted else "",
        refusal_reasons=reasons,
        question=(getattr(extra, "question", "") or "") if asked else "",
        question_at=getattr(extra, "question_at", None) if asked else None,
        answered_at=getattr(extra, "answered_at", None) if asked else None,
    )


@door
def look_up_panorama(*, actor: User, nam: NAM, drug_query: str = "") -> Panorama:
    """Requests sent in the last 90 days for `nam` by the prescribers the actor works for today
    (a prescriber: themself), grouped by prescriber. Throttled (Throttled) and recorded."""
    require_panorama_user(actor)
    drug_query = drug_query.strip()[:100]
    with _counted(actor, PANORAMA):
        prescribers = prescribers_user_follows(actor)
        found = selectors.panorama(actor, prescribers, nam, drug_query=drug_query)
        lines = [_panorama_line(item) for item in found]
        groups = [
            PanoramaGroup(prescriber=group[0].auth_request.prescriber, lines=group)
            for group in (
                list(g) for _key, g in groupby(lines, key=lambda line: line.auth_request.prescriber_id)
            )
        ]
        result = Panorama(
            nam=nam,
            drug_query=drug_query,
            prescribers=prescribers,
            groups=groups,
            since=local_today() - dt.timedelta(days=RECENT_DAYS),
            person_name=_name_on_file(found),
        )
        record(
            AuditCode.INSURED_SEARCHED,
            actor=actor,
            nam=nam,
            result_count=result.count,
            # One prescriber: on their behalf. Several (a collaborator): all are listed in the details.
            on_behalf_of=prescribers[0] if len(prescribers) == 1 and prescribers[0] != actor else None,
            details={
                "service": PANORAMA,
                "drug_query": drug_query,
                "prescribers": [p.pk for p in prescribers],
                "requests": result.request_ids,
            },
        )
        return result


# ---- Pharmacist --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusResult:
    nam: NAM
    drug_query: str
    lines: list[selectors.StatusLine]
    since: dt.date
    person_name: str


@door
def look_up_status(*, actor: User, nam: NAM, drug_query: str = "") -> StatusResult:
    """The pharmacist's look-up: requests valid today or sent in the last 12 months, any prescriber,
    status fields only. Throttled (Throttled) and recorded."""
    require_pharmacist(actor)
    drug_query = drug_query.strip()[:100]
    with _counted(actor, STATUS_LOOKUP):
        lines, person_name = selectors.status_lookup(actor, nam, drug_query=drug_query)
        record(
            AuditCode.INSURED_SEARCHED,
            actor=actor,
            nam=nam,
            result_count=len(lines),
            details={
                "service": STATUS_LOOKUP,
                "drug_query": drug_query,
                "requests": [line.number for line in lines],
            },
        )
        return StatusResult(nam, drug_query, lines, status_window_start().date(), person_name)


# ---- FHIR Claim/$inquire -----------------------------------------------------------------------------------


@door
def inquire_claims(
    *, actor: User, nam: NAM, practitioner: str = "", claim_key: str = "", limit: int = 50
) -> list[AuthorizationRequest]:
    """The sent requests the actor may see for `nam` (a collaborator: their prescribers', sent in the
    last 90 days), optionally of one prescriber (professional number) or one Claim (idempotency key)."""
    require_panorama_user(actor)
    with _counted(actor, FHIR_INQUIRE):
        found = selectors.claims_for(actor, nam, practitioner=practitioner, claim_key=claim_key)
        results = list(found[:limit])
        record(
            AuditCode.INSURED_SEARCHED,
            actor=actor,
            nam=nam,
            result_count=len(results),
            details={"service": FHIR_INQUIRE, "requests": [r.pk for r in results]},
        )
        return results
