"""Demo data of the review, and the demo's fifteen months of requests played through the real services.

Every request is written by its prescriber (or their assistant) in the prescriber's language, from a
clinical case of pme/authorizations/demo_cases.py, and lives its life through the services a person would
use: `save_draft`, `submit_request`, `take_request`, `request_information`, `answer_information_request`,
`accept_request`, `refuse_request`, `ask_review`, `withdraw_request`. Each step runs under a frozen clock
at its own moment (time-machine), all steps of all requests in time order, so that timestamps, request
numbers (by year of sending), the decision clock, the metrics and the audit trail agree, and nothing is
dated in the future. Reviewers work on weekdays, 8:00 to 17:00 Montréal time.

What the queue looks like today follows from that: requests sent in the last days are waiting or in
process, a handful of older ones are past the 7-day target, and requests waiting for a prescriber's
answer have their clock paused. Idempotent: nothing is added when the demo requests are already there.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import translation

from pme.accounts.models import Role, User
from pme.authorizations import demo as requests_demo
from pme.authorizations.demo_cases import CASES, EXCEPTIONAL_CASES, JULIE, Case, ExceptionalCase
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.authorizations.periods import period_end
from pme.authorizations.services import (
    answer_information_request,
    ask_review,
    save_draft,
    submit_request,
    withdraw_request,
)
from pme.catalogue.models import Indication
from pme.core.timeutils import REGIE_TZ, now
from pme.notices.models import Notice
from pme.review.models import RefusalReason, ReviewerProfile
from pme.review.services import (
    ReasonInput,
    accept_request,
    refuse_request,
    request_information,
    take_request,
)

SUPERVISORS = ("CE100001",)
REVIEWERS = ("CE100001", "CE100002")
PRESCRIBERS = ("dre.tremblay", "dr.gagnon", "ips.lavoie")
ASSISTANT_OF = {"dre.tremblay": "adjointe.roy"}  # drafts some of Dre Tremblay's requests
CLINICS = {"dre.tremblay": "Clinique Laurier", "ips.lavoie": "Clinique Laurier", "dr.gagnon": "CHU Nord"}
SPECIALIST_CASES = {
    "ocrelizumab/relapsing-ms",
    "ofatumumab/relapsing-ms",
    "osimertinib/nsclc-egfr",
    "palbociclib/breast-cancer",
    "patisiran/hattr-polyneuropathy",
    "letermovir/cmv-prophylaxis",
    "valganciclovir/cmv-prophylaxis",
    "migalastat/fabry-disease",
    "nintedanib/pulmonary-fibrosis",
    "pirfenidone/pulmonary-fibrosis",
    "aflibercept/retinal-diseases",
    "ranibizumab/retinal-diseases",
    "obeticholic-acid/primary-biliary-cholangitis",
    "denosumab/bone-metastases",
    "brivaracetam/focal-epilepsy",
    "dupilumab/severe-asthma",
    "benralizumab/eosinophilic-asthma",
    "mepolizumab/eosinophilic-asthma",
    "rifaximin/hepatic-encephalopathy",
}
NURSE_CASES = {
    "dexcom-g6/glucose-monitoring",
    "silver-dressing/infected-wounds",
    "empagliflozin/type-2-diabetes",
    "semaglutide/type-2-diabetes",
    "dulaglutide/type-2-diabetes",
    "copd-combinations/copd-maintenance",
}
SENT = 270  # requests sent over the fifteen months, Julie's included
FRESH = 22  # of which sent in the last six days (today's queue)
LATE = 4  # open requests past the 7-day target
DRAFTS = 14
DAYS = 455
DRAFT_LEAD = dt.timedelta(hours=60)  # the longest an assistant's draft waits for its prescriber to send it
REVIEW_REASONS = (
    "Les traitements antérieurs déclarés ont été essayés aux doses optimales et pendant les durées "
    "indiquées ; nous demandons une nouvelle évaluation à la lumière de ces renseignements.",
    "The previous treatments declared were tried at optimal doses for the durations given; we ask for a "
    "new assessment in the light of this information.",
)
CRITERION_REFUSAL = (
    "La réponse transmise à ce critère ne satisfait pas à l'indication reconnue ; une nouvelle demande "
    "pourra être faite si la situation clinique change.",
    "The answer given to this criterion does not meet the recognized indication; a new request may be "
    "made if the clinical situation changes.",
)
WITHDRAW_NOTES = (
    "Traitement changé après discussion avec la personne.",
    "Treatment changed after discussion with the person.",
)


@dataclass
class Plan:
    """One request's life: what is written, and the dated steps that follow (cut at the present)."""

    prescriber: User
    entered_by: User
    person: requests_demo.Person
    sent: dt.datetime
    case_key: str = ""
    exceptional: ExceptionalCase | None = None
    mode: str = "review"  # met | not_met | review
    fail: str = ""
    steps: list[tuple[dt.datetime, Callable[[Plan], None]]] = field(default_factory=list)
    request: AuthorizationRequest | None = None
    urgent: bool = False
    reviewer: User | None = None

    @property
    def index(self) -> int:
        return requests_demo.language_of(self.prescriber)

    @property
    def case(self) -> Case:
        return CASES[self.case_key]


def _working(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    """The next moment within office hours (weekdays, 8:00-17:00 in Montréal) at or after `moment`."""
    local = moment.astimezone(REGIE_TZ)
    while local.weekday() >= 5 or not 8 <= local.hour < 17:
        if local.hour >= 17 or local.weekday() >= 5:
            local = (local + dt.timedelta(days=1)).replace(hour=8, minute=rng.randint(0, 59))
        else:
            local = local.replace(hour=8, minute=rng.randint(0, 59))
    return local.astimezone(dt.UTC)


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.uniform(low, high))


def case_versions(case_key: str) -> list[Indication]:
    """Every version of the case's indication ("drug/indication"), the newest first, with its criteria."""
    drug_key, indication_key = case_key.split("/")
    return list(
        Indication.objects.filter(drug__key=drug_key, key=indication_key)
        .select_related("drug")
        .prefetch_related("criteria")
        .order_by("-effective_from")
    )


def version_in_force(versions: list[Indication], day: dt.date) -> Indication | None:
    """The newest of `versions` in force on `day` (`Indication.is_in_force`), or None."""
    return next((v for v in versions if v.is_in_force(day)), None)


def indication_on(case_key: str, day: dt.date) -> Indication | None:
    """The version of the case's indication in force on `day` (None before it exists or after it ends),
    as the catalogue stands when a step is played."""
    return version_in_force(case_versions(case_key), day)


class World:
    def __init__(self, stdout: Any) -> None:
        self.stdout = stdout
        self.rng = random.Random(2026)  # noqa: S311 (reproducible demo data, not a secret)
        self.now = now()
        self.users = {
            u.username: u
            for u in User.objects.filter(username__in=(*PRESCRIBERS, *REVIEWERS, "adjointe.roy"))
        }
        self.reasons = {r.code: r for r in RefusalReason.objects.all()}
        self.taken_nams: set[str] = {requests_demo.JULIE_NAM}
        self.persons: list[requests_demo.Person] = []
        self.plans: list[Plan] = []
        self.versions: dict[str, list[Indication]] = {}

    # --- who and what -------------------------------------------------------------------------------
    def indication(self, case_key: str, sent: dt.datetime) -> Indication | None:
        """The version a request sent at `sent` is written and sent under: the one in force (local days)
        from the earliest moment its draft is saved (`DRAFT_LEAD` before) to `sent`. None when the case
        has no version then, or when a version starts or ends in between (the draft would be written
        under one version and sent under another)."""
        from django.utils import timezone

        last = self.version_on(case_key, timezone.localdate(sent))
        first = self.version_on(case_key, timezone.localdate(sent - DRAFT_LEAD))
        return last if first is not None and first == last else None

    def version_on(self, case_key: str, day: dt.date) -> Indication | None:
        """`indication_on`, from the case's versions read once per world."""
        if case_key not in self.versions:
            self.versions[case_key] = case_versions(case_key)
        return version_in_force(self.versions[case_key], day)

    def person_for(self, ages: tuple[int, int], sex: str, day: dt.date) -> requests_demo.Person:
        fitting = [
            p for p in self.persons if ages[0] <= p.age_on(day) <= ages[1] and (not sex or p.sex == sex)
        ]
        if fitting and self.rng.random() < 0.35:
            return self.rng.choice(fitting)
        person = requests_demo.new_person(self.rng, ages=ages, sex=sex, on=day, taken=self.taken_nams)
        self.persons.append(person)
        return person

    def prescriber_for(self, case_key: str) -> User:
        draw = self.rng.random()
        if case_key in SPECIALIST_CASES:
            name = "dr.gagnon" if draw < 0.8 else "dre.tremblay"
        elif case_key in NURSE_CASES:
            name = "ips.lavoie" if draw < 0.6 else ("dre.tremblay" if draw < 0.9 else "dr.gagnon")
        else:
            name = "dre.tremblay" if draw < 0.6 else ("ips.lavoie" if draw < 0.8 else "dr.gagnon")
        return self.users[name]

    def entered_by(self, prescriber: User) -> User:
        assistant = ASSISTANT_OF.get(prescriber.username)
        if assistant and self.rng.random() < 0.3:
            return self.users[assistant]
        return prescriber

    # --- the plans ----------------------------------------------------------------------------------
    def build(self) -> None:
        for days, status, case_key, mode in JULIE:
            self.julie_plan(days, status, case_key, mode)
        count = SENT - len(JULIE) - FRESH - LATE
        sent_times = [(self.now - dt.timedelta(days=self.rng.uniform(7, DAYS)), False) for _ in range(count)]
        sent_times += [
            (self.now - dt.timedelta(hours=self.rng.uniform(2, 6 * 24)), False) for _ in range(FRESH)
        ]
        sent_times += [(self.now - dt.timedelta(days=self.rng.uniform(8.5, 11.5)), True) for _ in range(LATE)]
        for moment, stuck in sorted(sent_times):
            self.random_plan(_prescriber_hours(moment, self.rng, back=True), stuck=stuck)
        for _ in range(DRAFTS):
            self.draft_plan(self.now - dt.timedelta(days=self.rng.uniform(0.2, 40)))

    def random_plan(self, sent: dt.datetime, *, stuck: bool) -> None:
        if self.rng.random() < 0.05:
            exceptional = self.rng.choice(EXCEPTIONAL_CASES)
            plan = Plan(
                self.users["dr.gagnon"],
                self.users["dr.gagnon"],
                self.person_for(exceptional.ages, exceptional.sex, sent.date()),
                sent,
                exceptional=exceptional,
            )
            self.plans.append(plan)
            self.submission(plan)
            self.review(plan, accept=self.rng.random() < 0.7, stuck=stuck, refuse_code="not-exceptional")
            return
        case_key = self.rng.choice(list(CASES))
        if self.indication(case_key, sent) is None:
            case_key = "galcanezumab/migraine-prophylaxis"
        case = CASES[case_key]
        prescriber = self.prescriber_for(case_key)
        plan = Plan(
            prescriber,
            self.entered_by(prescriber),
            self.person_for(case.ages, case.sex, sent.date()),
            sent,
            case_key=case_key,
            urgent=bool(case.urgent) and self.rng.random() < 0.3,
        )
        indication = self.indication(case_key, sent)
        assert indication is not None
        counted = [c for c in indication.criteria.all() if c.required_for_automatic]
        draw = self.rng.random()
        plan.mode = "not_met" if counted and draw < 0.22 else ("met" if counted else "review")
        if stuck and plan.mode == "met" and indication.automatic_decision:
            plan.mode = "not_met"  # a late one waits for a reviewer: no automatic decision
        self.plans.append(plan)
        self.submission(plan)
        if self.rng.random() < 0.05 and not stuck:
            plan.steps.append((_prescriber_hours(sent + _hours(self.rng, 3, 30), self.rng), _withdraw))
            return
        if plan.mode == "not_met":
            self.review(plan, accept=False, stuck=stuck, refuse_code="criterion-not-met")
        else:
            self.review(plan, accept=self.rng.random() < 0.85, stuck=stuck, refuse_code="missing-evidence")

    def julie_plan(self, days: int, status: str, case_key: str, mode: str) -> None:
        sent = self.now - dt.timedelta(days=days, minutes=self.rng.randint(30, 90))  # the README's ages
        fail = ""
        if ":" in mode:
            mode, fail = mode.split(":")
        if case_key == "galcanezumab/migraine-prophylaxis" and mode == "not_met":
            fail = "prophylactics"
        if case_key == "omalizumab/chronic-urticaria":
            mode, fail = "not_met", ("uas7" if status == Status.REFUSED else "antihistamines-optimised")
        tremblay = self.users["dre.tremblay"]
        plan = Plan(tremblay, tremblay, requests_demo.julie(), sent, case_key=case_key, mode=mode, fail=fail)
        self.plans.append(plan)
        self.submission(plan)
        reviewer = self.users["CE100001"]
        take = _working(sent + _hours(self.rng, 2, 20), self.rng)
        if status == Status.SUBMITTED:
            return
        plan.steps.append((take, _take(reviewer)))
        decide = _working(take + _hours(self.rng, 1, 6), self.rng)
        if status == Status.INFORMATION_REQUESTED:
            plan.steps.append((decide, _ask_information))
        elif status == Status.ACCEPTED:
            plan.steps.append((decide, _accept))
        elif status == Status.REFUSED:
            plan.steps.append((decide, _refuse("criterion-not-met")))
        elif status == Status.IN_REVIEW:  # refused, then a review asked with a report, taken by another
            plan.steps.append((decide, _refuse("missing-evidence")))
            asked = _prescriber_hours(self.now - dt.timedelta(days=2, hours=3), self.rng, back=True)
            plan.steps.append((asked, _ask_review))
            plan.steps.append(
                (_working(asked + _hours(self.rng, 2, 8), self.rng), _take(self.users["CE100002"]))
            )

    def draft_plan(self, moment: dt.datetime) -> None:
        case_key = self.rng.choice(list(CASES))
        if self.indication(case_key, moment) is None:
            return
        case = CASES[case_key]
        prescriber = self.prescriber_for(case_key)
        plan = Plan(
            prescriber,
            self.entered_by(prescriber),
            self.person_for(case.ages, case.sex, moment.date()),
            moment,
            case_key=case_key,
        )
        plan.mode = "met" if self.rng.random() < 0.7 else "review"
        self.plans.append(plan)
        plan.steps.append((moment, _draft))

    def submission(self, plan: Plan) -> None:
        before = plan.sent - (
            _hours(self.rng, 20, DRAFT_LEAD.total_seconds() / 3600)
            if plan.entered_by != plan.prescriber
            else _hours(self.rng, 0.1, 0.6)
        )
        plan.steps.append((before, _draft))
        plan.steps.append((plan.sent, _submit))

    def review(self, plan: Plan, *, accept: bool, stuck: bool, refuse_code: str) -> None:
        rng = self.rng
        reviewer = self.users[rng.choice(REVIEWERS)]
        delay = _hours(rng, 1, 10) if plan.urgent else _hours(rng, 20, 110)
        if stuck:
            delay = dt.timedelta(days=rng.uniform(1, 3)) if rng.random() < 0.5 else dt.timedelta(days=30)
        take = _working(plan.sent + delay, rng)
        plan.steps.append((take, _take(reviewer)))
        if stuck:
            return
        decide = _working(take + (_hours(rng, 0.5, 4) if plan.urgent else _hours(rng, 1, 26)), rng)
        if rng.random() < 0.15:
            plan.steps.append((decide, _ask_information))
            answered = _prescriber_hours(decide + dt.timedelta(days=rng.uniform(0.5, 9)), rng)
            if answered > self.now - dt.timedelta(days=2) and rng.random() < 0.5:
                return  # still waiting for the prescriber
            plan.steps.append((answered, _answer))
            decide = _working(answered + _hours(rng, 2, 30), rng)
        plan.steps.append((decide, _accept if accept else _refuse(refuse_code)))
        if not accept and rng.random() < 0.2:
            asked = _prescriber_hours(decide + dt.timedelta(days=rng.uniform(5, 50)), rng)
            other = self.users[REVIEWERS[1] if reviewer.username == REVIEWERS[0] else REVIEWERS[0]]
            taken = _working(asked + _hours(rng, 2, 40), rng)
            plan.steps.append((asked, _ask_review))
            plan.steps.append((taken, _take(other)))
            plan.steps.append((_working(taken + _hours(rng, 1, 20), rng), _accept))

    # --- playing them -------------------------------------------------------------------------------
    def play(self) -> int:
        import time_machine  # a development dependency, like the demo itself

        steps = [
            (moment, n, plan, step) for plan in self.plans for n, (moment, step) in enumerate(plan.steps)
        ]
        steps = [s for s in steps if s[0] < self.now]
        steps.sort(key=lambda s: (s[0], s[1]))
        for done, (moment, _n, plan, step) in enumerate(steps, start=1):
            # What the services write in words (the automatic decision's note) is in the prescriber's
            # language, as when they send the request from their own pages.
            with (
                time_machine.travel(moment, tick=False),
                translation.override(plan.prescriber.language),
                transaction.atomic(),
            ):
                step(plan)
            if done % 250 == 0:
                self.stdout.write(f"  demo steps: {done}/{len(steps)}")
        return sum(1 for plan in self.plans if plan.request is not None)


def _prescriber_hours(moment: dt.datetime, rng: random.Random, *, back: bool = False) -> dt.datetime:
    """The next moment within clinic hours (weekdays, 8:00-18:00) at or after `moment`, or with `back`
    the last one at or before it: never on the other side of `moment`."""
    local = moment.astimezone(REGIE_TZ)
    for _day in range(8):
        if local.weekday() < 5 and 8 <= local.hour < 18:
            break
        if back:
            if local.weekday() < 5 and local.hour >= 18:
                local = local.replace(hour=17, minute=rng.randint(0, 59))
            else:
                local = (local - dt.timedelta(days=1)).replace(hour=17, minute=rng.randint(0, 59))
        elif local.weekday() < 5 and local.hour < 8:
            local = local.replace(hour=8, minute=rng.randint(0, 59))
        else:
            local = (local + dt.timedelta(days=1)).replace(hour=8, minute=rng.randint(0, 59))
    return local.astimezone(dt.UTC)


# --- the steps: each one is what a person does, through the service they would use -----------------------


def _draft(plan: Plan) -> None:
    from django.utils import timezone

    day = timezone.localdate()
    rng = random.Random(plan.person.nam.value + plan.sent.isoformat())  # noqa: S311
    start = day + dt.timedelta(days=rng.randint(0, 10))
    index = plan.index
    if plan.exceptional is not None:
        data = requests_demo.exceptional_input(
            case=plan.exceptional, person=plan.person, index=index, start=start
        )
        plan.request = save_draft(actor=plan.entered_by, prescriber=plan.prescriber, data=data).auth_request
        return
    indication = indication_on(plan.case_key, day)
    answers = requests_demo.answers_for(
        indication,
        plan.case,
        person=plan.person,
        sent=day,
        mode=plan.mode,
        rng=rng,
        index=index,
        fail=plan.fail,
    )
    attached = plan.case.report is not None
    data = requests_demo.draft_input(
        case=plan.case,
        indication=indication,
        person=plan.person,
        answers=answers,
        index=index,
        start=start,
        urgent=plan.urgent,
        attached=attached,
    )
    files = [_report(plan, plan.case.report[index], answers)] if attached and plan.case.report else []
    plan.request = save_draft(
        actor=plan.entered_by, prescriber=plan.prescriber, data=data, attachments=files
    ).auth_request


def _report(plan: Plan, lines: str, answers: dict[str, Any]) -> Any:
    from django.utils import formats, timezone, translation

    index = plan.index
    with translation.override(("fr", "en")[index]):
        day = formats.date_format(timezone.localdate(), "j F Y")
    return requests_demo.report_pdf(
        lines=requests_demo.fill(lines, answers, index),
        person=plan.person,
        prescriber=plan.prescriber,
        clinic=CLINICS[plan.prescriber.username],
        day=day,
        index=index,
    )


def _submit(plan: Plan) -> None:
    assert plan.request is not None
    plan.request = submit_request(actor=plan.prescriber, request_id=plan.request.pk).auth_request


def _current(plan: Plan) -> AuthorizationRequest:
    assert plan.request is not None
    plan.request = AuthorizationRequest.objects.select_related("prescriber", "indication", "drug").get(
        pk=plan.request.pk
    )
    return plan.request


def _take(reviewer: User) -> Callable[[Plan], None]:
    def step(plan: Plan) -> None:
        current = _current(plan)
        if current.status in (Status.SUBMITTED, Status.IN_REVIEW) and current.assigned_to_id is None:
            plan.request = take_request(reviewer=reviewer, request_id=current.pk)
            plan.reviewer = reviewer

    return step


def _holder(plan: Plan) -> tuple[AuthorizationRequest, User] | None:
    current = _current(plan)
    if current.status != Status.IN_REVIEW or current.assigned_to is None:
        return None
    return current, current.assigned_to


def _ask_information(plan: Plan) -> None:
    held = _holder(plan)
    if held is None:
        return
    current, reviewer = held
    question = _question(plan)
    request_information(
        reviewer=reviewer, request_id=current.pk, questions=question, expected_version=current.row_version
    )


def _question(plan: Plan) -> str:
    if plan.exceptional is not None:
        return (
            "Veuillez préciser les résultats des traitements essayés et joindre le rapport du spécialiste.",
            "Please give the results of the treatments tried and attach the specialist's report.",
        )[plan.index]
    return plan.case.question[plan.index]


def _answer(plan: Plan) -> None:
    current = _current(plan)
    if current.status != Status.INFORMATION_REQUESTED:
        return
    index = plan.index
    if plan.exceptional is not None:
        text = ("Rapport du spécialiste joint.", "Specialist's report attached.")[index]
        lines = plan.exceptional.condition[index] + "\n" + plan.exceptional.alternatives[index]
        files = [_report(plan, lines, {})]
    else:
        text = plan.case.answer[index]
        lines = plan.case.report[index] if plan.case.report else plan.case.note[index]
        files = [_report(plan, lines, current.answers)] if "joint" in text or "attached" in text else []
    answer_information_request(actor=plan.prescriber, request_id=current.pk, text=text, files=files)


def _accept(plan: Plan) -> None:
    held = _holder(plan)
    if held is None:
        return
    current, reviewer = held
    from django.utils import timezone

    today = timezone.localdate()
    start = max(current.requested_start or today, today - dt.timedelta(days=30))
    amount, unit = current.requested_duration or 12, current.requested_duration_unit
    indication = current.indication
    if indication is not None and indication.initial_duration:
        renewal = current.request_type != "first"
        amount = (indication.renewal_duration if renewal else None) or indication.initial_duration
        unit = indication.duration_unit
    if unit == "months" and amount >= 12 and random.Random(current.pk).random() < 0.1:  # noqa: S311
        amount = 6  # a partial acceptance: a shorter period than asked, to be reviewed on renewal
    end = period_end(start, amount, unit)
    quantity = current.quantity
    accept_request(
        reviewer=reviewer,
        request_id=current.pk,
        start=start,
        end=end,
        quantity=quantity,
        expected_version=current.row_version,
    )


def _refuse(code: str) -> Callable[[Plan], None]:
    def step(plan: Plan) -> None:
        held = _holder(plan)
        if held is None:
            return
        current, reviewer = held
        reasons = RefusalReason.objects.filter(code=code).first() or RefusalReason.objects.first()
        assert reasons is not None
        criterion_key = ""
        text = ""
        if plan.exceptional is None:
            evaluation = current.evaluation or {}
            failed = [r["key"] for r in evaluation.get("results", []) if r.get("outcome") == "not_met"]
            if failed and reasons.applies_to_criterion:
                criterion_key = failed[0]
                text = CRITERION_REFUSAL[plan.index]
            else:
                text = plan.case.refusal[plan.index]
        else:
            text = (
                "Les options inscrites à la liste n'ont pas toutes été écartées dans le dossier transmis.",
                "The file sent does not rule out every option on the list.",
            )[plan.index]
        refuse_request(
            reviewer=reviewer,
            request_id=current.pk,
            reasons=[ReasonInput(reasons, criterion_key)],
            text=text,
            expected_version=current.row_version,
        )

    return step


def _ask_review(plan: Plan) -> None:
    current = _current(plan)
    if current.status != Status.REFUSED:
        return
    ask_review(actor=plan.prescriber, request_id=current.pk, reason=REVIEW_REASONS[plan.index])


def _withdraw(plan: Plan) -> None:
    current = _current(plan)
    if current.status == Status.SUBMITTED and current.assigned_to_id is None:
        withdraw_request(actor=plan.prescriber, request_id=current.pk, note=WITHDRAW_NOTES[plan.index])


# --- the seed ----------------------------------------------------------------------------------------------


def seed(stdout: Any) -> None:
    with transaction.atomic():
        for user in User.objects.filter(role=Role.REVIEWER):
            ReviewerProfile.objects.update_or_create(
                user=user, defaults={"is_supervisor": user.username in SUPERVISORS}
            )
    stdout.write(f"Reviewers: {', '.join(REVIEWERS)} (supervisor: {', '.join(SUPERVISORS)}).")
    prescribers = User.objects.filter(username__in=PRESCRIBERS)
    if AuthorizationRequest.objects.filter(prescriber__in=prescribers).exists():
        stdout.write("Demo requests: already there.")
        return
    world = World(stdout)
    if len(world.users) < len(PRESCRIBERS) + len(REVIEWERS) + 1:
        stdout.write("Demo requests: skipped (demo users missing).")
        return
    world.build()
    made = world.play()
    _settle_notices(world.now)
    stdout.write(f"Demo requests created: {made}.")


def _settle_notices(present: dt.datetime) -> None:
    """Notices of the past were sent and read long ago; those of the last day wait for the task worker
    that `make run` starts, so they land in var/mail/ as the demo opens."""
    Notice.objects.filter(created_at__lt=present - dt.timedelta(days=1), state=Notice.State.PENDING).update(
        state=Notice.State.SENT, attempts=1, sent_at=F("created_at") + dt.timedelta(minutes=1)
    )
    Notification.objects.filter(created_at__lt=present - dt.timedelta(days=10), read_at__isnull=True).update(
        read_at=F("created_at") + dt.timedelta(hours=5)
    )
