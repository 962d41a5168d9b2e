"""Criteria evaluation: pure code, no database access.

Given the criteria of one indication version and the prescriber's answers, say for each criterion
whether it is met, not met, or needs a reviewer, and what that means for the indication as a whole.

Rules (docs/catalogue.md):

- yes/no, choice, number, date and previous-treatment criteria are evaluated from the answer; free text
  always needs review, and so does a missing or malformed answer (never a guess).
- Criteria with the same non-empty `group` are alternatives: the group is met when one of them is met,
  not met when all are not met, and needs review otherwise. A criterion without a group is a group alone.
- Only criteria `required_for_automatic` count for the overall result; the others are shown to the
  reviewer but never block nor satisfy anything. Overall: not met if a counted group is not met; met if
  every counted group is met (and there is at least one); needs review otherwise.
- An automatic decision is possible only when the indication allows one and the overall result is met.

Callers pass model instances already loaded (`Criterion`, e.g. `indication.criteria.all()` prefetched) or
any object with the same attributes (`CriterionSpec`), so reviewers, the request form and the automatic
decision all share this one function.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

KINDS = ("yes_no", "choice", "number", "date", "text", "previous_treatments")
NUMBER_COMPARISONS = ("ge", "gt", "le", "lt", "eq")
DATE_COMPARISONS = ("within_days", "days_ago_at_least")
TREATMENT_OUTCOMES = ("ineffective", "not_tolerated", "contraindicated", "other")
# A previous treatment counts as a failure for these outcomes unless the criterion names others.
DEFAULT_FAILURE_OUTCOMES = ("ineffective", "not_tolerated", "contraindicated")


class Outcome(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NEEDS_REVIEW = "needs_review"

    @property
    def label(self) -> str:
        return str({"met": _("Met"), "not_met": _("Not met"), "needs_review": _("Needs review")}[self.value])


class CriterionLike(Protocol):
    """What evaluation reads from a criterion (`models.Criterion` has it)."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def satisfying_values(self) -> Any: ...
    @property
    def comparison(self) -> str: ...
    @property
    def threshold(self) -> Decimal | None: ...
    @property
    def required_for_automatic(self) -> bool: ...


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as plain data (tests, API clients, callers without models)."""

    key: str
    kind: str
    group: str = ""
    satisfying_values: Sequence[Any] = ()
    comparison: str = ""
    threshold: Decimal | None = None
    required_for_automatic: bool = True


@dataclass(frozen=True)
class CriterionResult:
    key: str
    outcome: Outcome
    reason: str  # a code: "satisfied", "not_satisfied", "unanswered", "invalid", "free_text", "bad_spec"
    counted: bool  # required for an automatic decision


@dataclass(frozen=True)
class Evaluation:
    results: tuple[CriterionResult, ...]
    overall: Outcome
    automatic_decision: bool
    group_outcomes: Mapping[str, Outcome] = field(default_factory=dict)

    def outcome_of(self, key: str) -> Outcome:
        return next(r.outcome for r in self.results if r.key == key)

    @property
    def needs_review(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.results if r.outcome is Outcome.NEEDS_REVIEW)

    @property
    def not_met(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.results if r.outcome is Outcome.NOT_MET)


class _Invalid(Exception):
    """An answer that cannot be read for this kind of criterion."""


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "true", "oui", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "non", "0"):
        return False
    raise _Invalid


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _Invalid
    try:
        number = Decimal(str(value).strip().replace(",", ".")) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise _Invalid from None
    if not number.is_finite():
        raise _Invalid
    return number


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _Invalid  # a date criterion takes a calendar date, not an instant
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Invalid from None
    raise _Invalid


def _compare(answer: Decimal, comparison: str, threshold: Decimal) -> bool:
    return {
        "ge": answer >= threshold,
        "gt": answer > threshold,
        "le": answer <= threshold,
        "lt": answer < threshold,
        "eq": answer == threshold,
    }[comparison]


def _satisfying(criterion: CriterionLike) -> list[Any]:
    values = criterion.satisfying_values
    return list(values) if isinstance(values, list | tuple) else []


def spec_problems(criterion: CriterionLike) -> list[str]:
    """What makes a criterion impossible to evaluate as configured (empty when it is fine)."""
    problems: list[str] = []
    kind, threshold, comparison = criterion.kind, criterion.threshold, criterion.comparison
    satisfying = criterion.satisfying_values
    if kind not in KINDS:
        problems.append(str(_("Unknown kind of criterion: %(kind)s.") % {"kind": kind}))
    if kind in ("yes_no", "choice") and (not isinstance(satisfying, list | tuple) or not satisfying):
        problems.append(str(_("Give the answer or answers that satisfy this criterion.")))
    if (
        kind == "yes_no"
        and isinstance(satisfying, list | tuple)
        and any(not isinstance(v, bool) for v in satisfying)
    ):
        problems.append(str(_("A yes/no criterion is satisfied by true or false.")))
    if kind == "number" and (comparison not in NUMBER_COMPARISONS or threshold is None):
        problems.append(str(_("A number criterion needs a comparison (≥, >, ≤, <, =) and a threshold.")))
    if kind == "date" and (comparison not in DATE_COMPARISONS or threshold is None or threshold < 0):
        problems.append(str(_("A date criterion needs a comparison in days and a number of days.")))
    if kind == "previous_treatments":
        if threshold is None or threshold < 1 or threshold != int(threshold):
            problems.append(str(_("A previous-treatment criterion needs a minimum count of 1 or more.")))
        if isinstance(satisfying, list | tuple) and any(v not in TREATMENT_OUTCOMES for v in satisfying):
            problems.append(str(_("Unknown outcome of a previous treatment.")))
    return problems


def evaluate_criterion(criterion: CriterionLike, answer: Any, *, reference_date: dt.date) -> CriterionResult:
    """One criterion against one answer (None: not answered). `reference_date` anchors date criteria
    (the request's date)."""
    counted = bool(criterion.required_for_automatic)

    def result(outcome: Outcome, reason: str) -> CriterionResult:
        return CriterionResult(criterion.key, outcome, reason, counted)

    if spec_problems(criterion):
        return result(Outcome.NEEDS_REVIEW, "bad_spec")
    if criterion.kind == "text":
        return result(Outcome.NEEDS_REVIEW, "free_text")
    empty = answer is None or (isinstance(answer, str | list | tuple) and len(answer) == 0)
    # An empty previous-treatment list is an answer ("none"), unlike a missing one.
    if empty and not (criterion.kind == "previous_treatments" and isinstance(answer, list | tuple)):
        return result(Outcome.NEEDS_REVIEW, "unanswered")
    try:
        satisfied = _satisfied(criterion, answer, reference_date)
    except _Invalid:
        return result(Outcome.NEEDS_REVIEW, "invalid")
    return result(Outcome.MET, "satisfied") if satisfied else result(Outcome.NOT_MET, "not_satisfied")


def _satisfied(criterion: CriterionLike, answer: Any, reference_date: dt.date) -> bool:
    kind = criterion.kind
    satisfying = _satisfying(criterion)
    threshold = criterion.threshold
    if kind == "yes_no":
        return _as_bool(answer) in satisfying
    if kind == "choice":
        chosen = list(answer) if isinstance(answer, list | tuple) else [answer]
        if any(not isinstance(c, str) for c in chosen):
            raise _Invalid
        return any(c in satisfying for c in chosen)
    assert threshold is not None  # spec_problems() ruled it out
    if kind == "number":
        return _compare(_as_decimal(answer), criterion.comparison, Decimal(threshold))
    if kind == "date":
        answered = _as_date(answer)
        if answered > reference_date:
            raise _Invalid  # a past event dated in the future: a typo a reviewer must see
        days = (reference_date - answered).days
        if criterion.comparison == "within_days":
            return days <= threshold
        return days >= threshold
    # previous_treatments: a list of {"drug": str, "outcome": one of TREATMENT_OUTCOMES}
    if not isinstance(answer, list | tuple):
        raise _Invalid
    failure_outcomes = satisfying or list(DEFAULT_FAILURE_OUTCOMES)
    failed_drugs: set[str] = set()
    for entry in answer:
        if not isinstance(entry, Mapping):
            raise _Invalid
        drug, outcome = entry.get("drug"), entry.get("outcome")
        if not isinstance(drug, str) or not drug.strip() or outcome not in TREATMENT_OUTCOMES:
            raise _Invalid
        if outcome in failure_outcomes:
            failed_drugs.add(" ".join(drug.casefold().split()))  # the same drug twice counts once
    return len(failed_drugs) >= int(threshold)


def _combine_alternatives(outcomes: Iterable[Outcome]) -> Outcome:
    seen = set(outcomes)
    if Outcome.MET in seen:
        return Outcome.MET
    if seen == {Outcome.NOT_MET}:
        return Outcome.NOT_MET
    return Outcome.NEEDS_REVIEW


def evaluate_criteria(
    criteria: Iterable[CriterionLike],
    answers: Mapping[str, Any],
    *,
    automatic_decision_allowed: bool,
    reference_date: dt.date,
) -> Evaluation:
    """Every criterion, the groups, the overall result and whether an automatic decision may be taken.

    `answers` maps criterion keys to answers; keys of unknown criteria are ignored."""
    criteria = list(criteria)
    results = tuple(
        evaluate_criterion(c, answers.get(c.key), reference_date=reference_date) for c in criteria
    )
    groups: dict[str, list[Outcome]] = {}
    for criterion, res in zip(criteria, results, strict=True):
        if res.counted:
            groups.setdefault(criterion.group or f"criterion:{criterion.key}", []).append(res.outcome)
    group_outcomes = {name: _combine_alternatives(outcomes) for name, outcomes in groups.items()}
    values = set(group_outcomes.values())
    if Outcome.NOT_MET in values:
        overall = Outcome.NOT_MET
    elif values == {Outcome.MET}:
        overall = Outcome.MET
    else:
        overall = Outcome.NEEDS_REVIEW  # includes "no counted criterion at all"
    return Evaluation(
        results=results,
        overall=overall,
        automatic_decision=automatic_decision_allowed and overall is Outcome.MET,
        group_outcomes=group_outcomes,
    )


def evaluate(indication: Any, answers: Mapping[str, Any], *, reference_date: dt.date) -> Evaluation:
    """`evaluate_criteria` for a `models.Indication` version. Load it with
    `prefetch_related("criteria")` (as `selectors.indication_version` does) to keep this free of queries."""
    return evaluate_criteria(
        indication.criteria.all(),
        answers,
        automatic_decision_allowed=indication.automatic_decision,
        reference_date=reference_date,
    )
