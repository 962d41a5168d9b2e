"""Demo requests, the authorizations side: insured persons, the answers to a case's criteria, the form a
prescriber fills (in their own language), and the small PDF reports attached where a text cites one.

The requests themselves are played by pme/review/demo.py, month after month through the real services,
because a request's life needs the review's decisions (an app may not import the apps above it).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from pme.accounts.models import User
from pme.authorizations.demo_cases import PRIOR_LISTS, Case, ExceptionalCase, Prior
from pme.authorizations.models import RequestKind, RequestType, Urgency
from pme.authorizations.services import DraftInput, TreatmentInput
from pme.catalogue.criteria import Outcome, evaluate
from pme.core.nam import NAM, name_letters

FEMALE_NAMES = [
    "Julie",
    "Sophie",
    "Isabelle",
    "Nathalie",
    "Chantal",
    "Lucie",
    "Manon",
    "Sylvie",
    "Louise",
    "Geneviève",
    "Catherine",
    "Émilie",
    "Marie-Ève",
    "Josée",
    "France",
    "Diane",
    "Léa",
    "Camille",
]
MALE_NAMES = [
    "Marc",
    "Luc",
    "Pierre",
    "Michel",
    "André",
    "Denis",
    "Alain",
    "Yves",
    "Guy",
    "Jean",
    "François",
    "Stéphane",
    "Sébastien",
    "Mathieu",
    "Gilles",
    "Réjean",
    "Louis",
    "Olivier",
]
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
    "Nguyen",
    "Thibault",
    "Lapointe",
    "Desjardins",
    "Ménard",
]
JULIE_NAM = "TREM85531512"  # Julie Tremblay, born 15 March 1985: the README's panorama try-out


@dataclass
class Person:
    nam: NAM
    last: str
    first: str
    birth: dt.date
    sex: str

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))


def julie() -> Person:
    return Person(NAM.parse(JULIE_NAM), "Tremblay", "Julie", dt.date(1985, 3, 15), "f")


def new_person(
    rng: random.Random, *, ages: tuple[int, int], sex: str, on: dt.date, taken: set[str]
) -> Person:
    """A person of the given sex ("" for either) aged within `ages` on `on`, with a NAM that follows the
    card's rules (surname, first name, birth date, +50 on the month for women)."""
    sex = sex or rng.choice("fm")
    while True:
        age = rng.randint(*ages)
        birth = on - dt.timedelta(days=age * 365 + rng.randint(15, 340))
        last = rng.choice(SURNAMES)
        first = rng.choice(FEMALE_NAMES if sex == "f" else MALE_NAMES)
        month = birth.month + (50 if sex == "f" else 0)
        raw = f"{name_letters(last, first)}{birth.year % 100:02d}{month:02d}"
        raw += f"{birth.day:02d}{rng.randint(10, 99)}"
        if raw not in taken:
            taken.add(raw)
            return Person(NAM.parse(raw), last, first, birth, sex)


def language_of(user: User) -> int:
    """Index of the user's language in a case's (French, English) texts."""
    return 1 if user.language == "en" else 0


def _number(value: Decimal, index: int) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",") if index == 0 else text


DERIVED = {
    "adult": lambda age, sex: age >= 18,
    "age-65": lambda age, sex: age >= 65,
    "under-18": lambda age, sex: age < 18,
    "postmenopausal": lambda age, sex: sex == "f" and age >= 50,
}


def _default_range(criterion: Any, met: bool) -> tuple[float, float]:
    t = float(criterion.threshold)
    above = criterion.comparison in ("ge", "gt")
    if met:
        return (t + (0.01 if criterion.comparison == "gt" else 0), t * 1.5 + 1) if above else (t * 0.6, t)
    return (max(0.0, t * 0.6), t * 0.95) if above else (t * 1.1, t * 1.4 + 1)


def _number_answer(criterion: Any, case: Case, met: bool, rng: random.Random) -> Decimal:
    low, high = (case.numbers.get(criterion.key) or (None, None))[0 if met else 1] or _default_range(
        criterion, met
    )
    integral = (
        float(criterion.threshold).is_integer() and float(low).is_integer() and float(high).is_integer()
    )
    value = (
        Decimal(rng.randint(int(low), int(high)))
        if integral
        else Decimal(str(round(rng.uniform(low, high), 1)))
    )
    return value


def _one_answer(
    criterion: Any, case: Case, met: bool, person: Person, sent: dt.date, rng: random.Random, index: int
) -> Any:
    age = person.age_on(sent)
    if criterion.key in DERIVED and criterion.kind == "yes_no":
        return DERIVED[criterion.key](age, person.sex)
    satisfying = list(criterion.satisfying_values or [])
    if criterion.kind == "yes_no":
        return satisfying[0] if met else not satisfying[0]
    if criterion.kind == "number":
        if criterion.key == "age":
            return str(age)
        return f"{_number_answer(criterion, case, met, rng)}"
    if criterion.kind == "choice":
        options = case.choices.get(criterion.key)
        if options:
            return rng.choice(options[0 if met else 1])
        values = [c["value"] for c in criterion.choices]
        pool = [v for v in values if (v in satisfying) == met] or values
        return rng.choice(pool)
    if criterion.kind == "date":
        days = int(criterion.threshold)
        ago = (
            rng.randint(3, max(3, days - 3)) if met == (criterion.comparison == "within_days") else days + 12
        )
        return (sent - dt.timedelta(days=ago)).isoformat()
    if criterion.kind == "previous_treatments":
        tried = PRIOR_LISTS.get(criterion.key, ())
        needed = int(criterion.threshold or 1)
        if met:
            return [{"drug": p.drug[index], "outcome": p.outcome} for p in tried]
        if needed > 1:  # fewer failures than needed
            return [{"drug": p.drug[index], "outcome": p.outcome} for p in tried[: needed - 1]]
        return [{"drug": p.drug[index], "outcome": "other"} for p in tried[:1]]  # stopped, but not a failure
    if criterion.kind == "text":
        return (
            "" if criterion.required_for_automatic is False and "other" in criterion.key else case.note[index]
        )
    return None


def answers_for(
    indication: Any,
    case: Case,
    *,
    person: Person,
    sent: dt.date,
    mode: str,
    rng: random.Random,
    index: int,
    fail: str = "",
) -> dict[str, Any]:
    """Answers that meet the indication (`mode` "met" or "review") or fail exactly one of its counted
    criteria (`mode` "not_met", the criterion `fail` when given). Alternatives of a group are answered
    like a person has them: one of them true, the others not."""
    criteria = list(indication.criteria.all())
    for _attempt in range(40):
        answers: dict[str, Any] = {}
        groups: dict[str, list[Any]] = {}
        for criterion in criteria:
            if criterion.group:
                groups.setdefault(criterion.group, []).append(criterion)
        counted = [
            c for c in criteria if c.required_for_automatic and c.key not in DERIVED and c.key != "age"
        ]
        target = None
        if mode == "not_met" and counted:
            target = next((c for c in counted if c.key == fail), None) or rng.choice(counted)
        failing_group = target.group if target is not None else ""
        chosen_in_group = {name: rng.choice(members) for name, members in groups.items()}
        for criterion in criteria:
            if criterion.key == "sensor-use":
                continue  # asked only on a renewal
            met = True
            if criterion.group:
                met = criterion.group != failing_group and chosen_in_group[criterion.group] is criterion
            elif target is not None and criterion is target:
                met = False
            answers[criterion.key] = _one_answer(criterion, case, met, person, sent, rng, index)
        for name, members in groups.items():  # a derived alternative that holds makes the others moot
            derived = [
                m for m in members if m.key in DERIVED and answers[m.key] in (m.satisfying_values or [])
            ]
            if derived and name != failing_group:
                for member in members:
                    if member.key not in DERIVED:
                        answers[member.key] = _one_answer(member, case, False, person, sent, rng, index)
        overall = evaluate(indication, answers, reference_date=sent).overall
        if (mode == "not_met") == (overall is Outcome.NOT_MET):
            return answers
    raise RuntimeError(f"no answers in mode {mode} for {indication}")


def fill(text: str, answers: dict[str, Any], index: int) -> str:
    """The case's text with `{key}` replaced by the answers (numbers in the language's format)."""
    for key, value in answers.items():
        if isinstance(value, str) and value.replace(".", "", 1).isdigit():
            value = _number(Decimal(value), index)
        text = text.replace("{" + key + "}", str(value))
    return text


def requested_duration(indication: Any, case: Case) -> tuple[int, str]:
    if indication is not None and indication.initial_duration:
        return indication.initial_duration, indication.duration_unit
    return case.months, "months"


def draft_input(
    *,
    case: Case,
    indication: Any,
    person: Person,
    answers: dict[str, Any],
    index: int,
    start: dt.date,
    urgent: bool,
    attached: bool,
    request_type: str = RequestType.FIRST,
) -> DraftInput:
    amount, unit = requested_duration(indication, case)
    note = fill(case.note[index], answers, index)
    if attached:
        note += " Rapport ci-joint." if index == 0 else " Report attached."
    treatments = list(case.previous)
    return DraftInput(
        kind=RequestKind.EXCEPTION_DRUG,
        nam=person.nam,
        insured_last_name=person.last,
        insured_first_name=person.first,
        insured_birth_date=person.birth,
        request_type=request_type,
        drug=indication.drug,
        indication=indication,
        answers=answers,
        requested_start=start,
        requested_duration=amount,
        requested_duration_unit=unit,
        dosage=case.dosage[index],
        quantity=case.quantity[index],
        urgency=Urgency.URGENT if urgent else Urgency.STANDARD,
        urgency_reason=case.urgent[index] if urgent and case.urgent else "",
        clinical_notes=note,
        previous_treatments=[_treatment(p, index) for p in treatments],
    )


def _treatment(prior: Prior, index: int) -> TreatmentInput:
    return TreatmentInput(prior.drug[index], prior.outcome, prior.duration[index], prior.details[index])


def exceptional_input(*, case: ExceptionalCase, person: Person, index: int, start: dt.date) -> DraftInput:
    return DraftInput(
        kind=RequestKind.EXCEPTIONAL_PATIENT,
        nam=person.nam,
        insured_last_name=person.last,
        insured_first_name=person.first,
        insured_birth_date=person.birth,
        drug_description=case.drug,
        requested_start=start,
        requested_duration=12,
        requested_duration_unit="months",
        dosage=case.dosage[index],
        quantity=case.quantity[index],
        condition=case.condition[index],
        alternatives_unusable=case.alternatives[index],
        seriousness=case.seriousness[index],
        expected_benefit=case.benefit[index],
    )


REPORT_TITLES = ("Rapport clinique", "Clinical report")
REPORT_LABELS = (
    ("Personne assurée", "NAM", "Date", "Prescripteur", "Résultats"),
    ("Insured person", "NAM", "Date", "Prescriber", "Results"),
)


def report_pdf(
    *,
    lines: str,
    person: Person,
    prescriber: User,
    clinic: str,
    day: str,
    index: int,
) -> SimpleUploadedFile:
    """A one-page PDF report (reportlab) with the results the request's note cites."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, pageCompression=1)
    title = REPORT_TITLES[index]
    pdf.setTitle(title)
    _width, height = LETTER
    y = height - 2.5 * cm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(2.5 * cm, y, clinic)
    y -= 1.0 * cm
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawString(2.5 * cm, y, title)
    y -= 1.0 * cm
    labels = REPORT_LABELS[index]
    pdf.setFont("Helvetica", 11)
    for label, value in zip(
        labels[:4],
        (f"{person.first} {person.last}", person.nam.formatted(), day, prescriber.get_full_name()),
        strict=True,
    ):
        pdf.drawString(2.5 * cm, y, f"{label} : {value}" if index == 0 else f"{label}: {value}")
        y -= 0.6 * cm
    y -= 0.4 * cm
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(2.5 * cm, y, labels[4])
    y -= 0.7 * cm
    pdf.setFont("Helvetica", 11)
    for line in lines.split("\n"):
        pdf.drawString(3.0 * cm, y, line)
        y -= 0.6 * cm
    pdf.showPage()
    pdf.save()
    name = ("rapport-clinique.pdf", "clinical-report.pdf")[index]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
