"""Demo requests: about 300 over the last 15 months, in every status, for the demo prescribers and a few
dozen insured persons. Idempotent: nothing is added when the demo requests are already there.

Dates are spread over 15 months by setting the workflow timestamps after the services ran (they are not
part of what the prescriber sent, so the database guards allow it); content never changes after sending.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from pme.accounts.models import User
from pme.audit.codes import AuditCode
from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import AuthorizationRequest, RequestKind, TimelineEntry
from pme.authorizations.services import DraftInput, TreatmentInput, save_draft, submit_request
from pme.authorizations.transitions import transition
from pme.core.nam import NAM
from pme.core.timeutils import local_today

TARGET = 300
PRESCRIBERS = ("dre.tremblay", "dr.gagnon", "ips.lavoie")
REVIEWER = "CE100001"
SURNAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
]
FIRST_NAMES = [
    "Julie",
    "Marc",
    "Sophie",
    "Luc",
    "Isabelle",
    "Pierre",
    "Nathalie",
    "Michel",
    "Chantal",
    "André",
    "Lucie",
    "Denis",
    "Manon",
    "Alain",
    "Sylvie",
    "Yves",
    "Louise",
    "Guy",
]
# Julie Tremblay (TREM 8553 1512), Dre Tremblay's patient: (days since sending, status). The panorama of
# Dre Tremblay and of her assistant shows the first five (within 90 days), not the last two.
JULIE = [
    (3, Status.SUBMITTED),
    (12, Status.INFORMATION_REQUESTED),
    (30, Status.ACCEPTED),
    (60, Status.REFUSED),
    (89, Status.IN_REVIEW),
    (95, Status.ACCEPTED),
    (200, Status.REFUSED),
]
# Share of requests per final status (the rest of the pipeline is derived from it).
STATUS_MIX = [
    (Status.ACCEPTED, 40),
    (Status.REFUSED, 12),
    (Status.SUBMITTED, 14),
    (Status.IN_REVIEW, 10),
    (Status.INFORMATION_REQUESTED, 8),
    (Status.WITHDRAWN, 6),
    (Status.DRAFT, 10),
]


def _strip(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").upper()


def demo_persons(rng: random.Random, count: int = 60) -> list[dict[str, Any]]:
    persons = [
        {
            "nam": NAM.parse("TREM85531512"),
            "last": "Tremblay",
            "first": "Julie",
            "birth": dt.date(1985, 3, 15),
        }
    ]
    while len(persons) < count:
        last, first = rng.choice(SURNAMES), rng.choice(FIRST_NAMES)
        birth = dt.date(rng.randint(1935, 2012), rng.randint(1, 12), rng.randint(1, 28))
        female = rng.random() < 0.5
        letters = (_strip(last)[:3] + _strip(first)[0]).ljust(4, "X")
        month = birth.month + (50 if female else 0)
        raw = f"{letters}{birth.year % 100:02d}{month:02d}{birth.day:02d}{rng.randint(10, 99)}"
        persons.append({"nam": NAM.parse(raw), "last": last, "first": first, "birth": birth})
    return persons


def seed(stdout: Any) -> None:
    prescribers = list(User.objects.filter(username__in=PRESCRIBERS).order_by("username"))
    reviewer = User.objects.filter(username=REVIEWER).first()
    if len(prescribers) < len(PRESCRIBERS) or reviewer is None:
        stdout.write("Demo requests: skipped (demo users missing).")
        return
    existing = AuthorizationRequest.objects.filter(prescriber__in=prescribers).count()
    if existing >= TARGET:
        stdout.write(f"Demo requests: {existing} already there.")
        return
    from pme.catalogue.models import Indication

    indications = list(
        Indication.objects.filter(effective_to__isnull=True)
        .select_related("drug")
        .prefetch_related("criteria")
        .order_by("pk")
    )
    rng = random.Random(2026)  # noqa: S311 (reproducible demo data, not a secret)
    persons = demo_persons(rng)
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    today = local_today()
    created = 0
    tremblay = next(p for p in prescribers if p.username == "dre.tremblay")
    for i in range(existing, TARGET):
        indication = rng.choice(indications) if indications and rng.random() < 0.85 else None
        if i < len(JULIE):  # a person to try the panorama on: requests at known ages, in several statuses
            days, status = JULIE[i]
            person, prescriber = persons[0], tremblay
            sent = timezone.now() - dt.timedelta(days=days, hours=1)
        else:
            person = rng.choice(persons)
            prescriber = prescribers[i % len(prescribers)]
            status = rng.choice(statuses)
            sent = timezone.now() - dt.timedelta(days=rng.randint(0, 455), hours=rng.randint(0, 23))
        with transaction.atomic():
            _one(prescriber, reviewer, person, indication, status, sent, today, rng)
        created += 1
        if created % 50 == 0:
            stdout.write(f"  demo requests: {created}/{TARGET - existing}")
    stdout.write(f"Demo requests created: {created}.")


def _answers(indication: Any, rng: random.Random, meet: bool) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for criterion in indication.criteria.all():
        satisfying = list(criterion.satisfying_values or [])
        if criterion.kind == "yes_no":
            answers[criterion.key] = (
                satisfying[0] if (meet and satisfying) else (not satisfying[0] if satisfying else False)
            )
        elif criterion.kind == "choice" and criterion.choices:
            values = [c["value"] for c in criterion.choices]
            answers[criterion.key] = satisfying[0] if meet and satisfying else rng.choice(values)
        elif criterion.kind == "number" and criterion.threshold is not None:
            delta = 1 if criterion.comparison in ("ge", "gt") else -1
            value = criterion.threshold + (delta if meet else -delta)
            answers[criterion.key] = str(value)
        elif criterion.kind == "date" and criterion.threshold is not None:
            days = int(criterion.threshold)
            answers[criterion.key] = (
                local_today()
                - dt.timedelta(days=max(0, days - 1) if criterion.comparison == "within_days" else days + 1)
            ).isoformat()
        elif criterion.kind == "previous_treatments":
            count = int(criterion.threshold or 1)
            answers[criterion.key] = [{"drug": f"drug {n}", "outcome": "ineffective"} for n in range(count)]
        elif criterion.kind == "text":
            answers[criterion.key] = "Clinical context described in the attached report."
    return answers


def _one(
    prescriber: User,
    reviewer: User,
    person: dict[str, Any],
    indication: Any,
    status: str,
    sent: dt.datetime,
    today: dt.date,
    rng: random.Random,
) -> None:
    meet = status == Status.ACCEPTED and rng.random() < 0.5
    start = sent.date() + dt.timedelta(days=7)
    data = DraftInput(
        kind=RequestKind.EXCEPTION_DRUG if indication else RequestKind.EXCEPTIONAL_PATIENT,
        nam=person["nam"],
        insured_last_name=person["last"],
        insured_first_name=person["first"],
        insured_birth_date=person["birth"],
        drug=indication.drug if indication else None,
        indication=indication,
        answers=_answers(indication, rng, meet) if indication else {},
        drug_description=""
        if indication
        else rng.choice(
            ["cannabidiol 100 mg/mL oral solution", "mexiletine 200 mg capsule", "nitisinone 10 mg capsule"]
        ),
        requested_start=start,
        requested_duration=rng.choice([3, 6, 12]),
        dosage="as prescribed on the attached form",
        quantity=rng.choice(["30 tablets", "1 pen a month", "2 syringes a month"]),
        urgency=(urgency := "urgent" if rng.random() < 0.1 else "standard"),
        urgency_reason="hospital discharge planned this week" if urgency == "urgent" else "",
        condition="" if indication else "rare condition, confirmed by a specialist",
        alternatives_unusable="" if indication else "listed alternatives not tolerated",
        seriousness="" if indication else "risk of hospitalization",
        expected_benefit="" if indication else "fewer hospital stays",
        previous_treatments=[TreatmentInput("metformin", "ineffective", "6 months")],
    )
    draft = save_draft(actor=prescriber, prescriber=prescriber, data=data).auth_request
    if status == Status.DRAFT:
        return
    request = submit_request(actor=prescriber, request_id=draft.pk).auth_request
    if request.status == Status.SUBMITTED:
        if status == Status.WITHDRAWN:
            transition(request, Action.WITHDRAW, actor=prescriber, code=AuditCode.REQUEST_WITHDRAWN)
        elif status in (Status.IN_REVIEW, Status.INFORMATION_REQUESTED, Status.ACCEPTED, Status.REFUSED):
            request.assigned_to = reviewer
            transition(request, Action.TAKE, actor=reviewer, code=AuditCode.REQUEST_TAKEN)
            if status == Status.INFORMATION_REQUESTED:
                transition(
                    request,
                    Action.REQUEST_INFORMATION,
                    actor=reviewer,
                    note="Please attach the latest specialist report.",
                    code=AuditCode.INFORMATION_REQUESTED,
                )
            elif status == Status.ACCEPTED:
                request.authorized_start = request.requested_start
                request.authorized_end = (request.requested_start or today) + dt.timedelta(days=364)
                request.authorized_quantity = request.quantity
                request.decided_at = timezone.now()
                transition(request, Action.ACCEPT, actor=reviewer, code=AuditCode.REQUEST_ACCEPTED)
            elif status == Status.REFUSED:
                request.decided_at = timezone.now()
                transition(
                    request,
                    Action.REFUSE,
                    actor=reviewer,
                    note="The recognized indication's criteria are not met.",
                    code=AuditCode.REQUEST_REFUSED,
                )
    # Spread the workflow timestamps over the past (not the sent content, which stays frozen).
    decided = sent + dt.timedelta(days=rng.randint(1, 6))
    AuthorizationRequest.objects.filter(pk=request.pk).update(
        submitted_at=sent,
        decided_at=decided if request.status in (Status.ACCEPTED, Status.REFUSED) else None,
    )
    TimelineEntry.objects.filter(auth_request=request, action=Action.TRANSMIT).update(at=sent)
    TimelineEntry.objects.filter(auth_request=request).exclude(action=Action.TRANSMIT).update(at=decided)
    if request.status == Status.ACCEPTED and request.automated:
        end = request.authorized_end
        if end is not None:
            shift = (sent.date() + dt.timedelta(days=7)) - (request.authorized_start or sent.date())
            AuthorizationRequest.objects.filter(pk=request.pk).update(
                authorized_start=request.authorized_start + shift if request.authorized_start else None,
                authorized_end=end + shift,
            )
