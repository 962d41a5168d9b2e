"""Criteria evaluation: examples from real indications, then properties (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pme.catalogue.criteria import (
    CriterionSpec,
    Outcome,
    evaluate,
    evaluate_criteria,
    evaluate_criterion,
    spec_problems,
)

TODAY = dt.date(2026, 3, 15)


def yes(key: str, *, group: str = "", required: bool = True) -> CriterionSpec:
    return CriterionSpec(
        key, "yes_no", group=group, satisfying_values=[True], required_for_automatic=required
    )


def number(key: str, comparison: str, threshold: str, *, required: bool = True) -> CriterionSpec:
    return CriterionSpec(
        key, "number", comparison=comparison, threshold=Decimal(threshold), required_for_automatic=required
    )


UAS7 = number("uas7", "ge", "16")
LVEF = number("lvef", "le", "40")
ANTIHISTAMINES = yes("antihistamines_optimised")
NOTES = CriterionSpec("notes", "text", required_for_automatic=False)
PROPHYLACTICS = CriterionSpec("prophylactics", "previous_treatments", threshold=Decimal(3))
GRAFT = CriterionSpec("graft_date", "date", comparison="within_days", threshold=Decimal(28))


def run(criteria, answers, *, automatic=True):
    return evaluate_criteria(criteria, answers, automatic_decision_allowed=automatic, reference_date=TODAY)


class TestOneCriterion:
    @pytest.mark.parametrize(
        ("answer", "expected"),
        [(16, Outcome.MET), ("16", Outcome.MET), ("28,5", Outcome.MET), (15.9, Outcome.NOT_MET)],
    )
    def test_number_at_or_above_threshold(self, answer, expected):
        assert evaluate_criterion(UAS7, answer, reference_date=TODAY).outcome is expected

    @pytest.mark.parametrize(("answer", "expected"), [(40, Outcome.MET), (41, Outcome.NOT_MET)])
    def test_number_at_or_below_threshold(self, answer, expected):
        assert evaluate_criterion(LVEF, answer, reference_date=TODAY).outcome is expected

    @pytest.mark.parametrize("answer", ["seize", "NaN", "inf", True, [], {"v": 1}])
    def test_an_unreadable_number_needs_review(self, answer):
        result = evaluate_criterion(UAS7, answer, reference_date=TODAY)
        assert result.outcome is Outcome.NEEDS_REVIEW

    @pytest.mark.parametrize(
        ("answer", "expected"),
        [
            (True, Outcome.MET),
            ("yes", Outcome.MET),
            ("oui", Outcome.MET),
            (False, Outcome.NOT_MET),
            ("no", Outcome.NOT_MET),
        ],
    )
    def test_yes_no(self, answer, expected):
        assert evaluate_criterion(ANTIHISTAMINES, answer, reference_date=TODAY).outcome is expected

    def test_a_missing_answer_needs_review_and_says_so(self):
        result = evaluate_criterion(ANTIHISTAMINES, None, reference_date=TODAY)
        assert (result.outcome, result.reason) == (Outcome.NEEDS_REVIEW, "unanswered")

    def test_free_text_always_needs_review(self):
        result = evaluate_criterion(NOTES, "Very convincing story", reference_date=TODAY)
        assert (result.outcome, result.reason) == (Outcome.NEEDS_REVIEW, "free_text")

    def test_choice(self):
        spec = CriterionSpec("type", "choice", satisfying_values=["type_1"])
        assert evaluate_criterion(spec, "type_1", reference_date=TODAY).outcome is Outcome.MET
        assert evaluate_criterion(spec, "type_2", reference_date=TODAY).outcome is Outcome.NOT_MET
        assert evaluate_criterion(spec, ["type_2", "type_1"], reference_date=TODAY).outcome is Outcome.MET
        assert evaluate_criterion(spec, 1, reference_date=TODAY).outcome is Outcome.NEEDS_REVIEW

    @pytest.mark.parametrize(
        ("days_ago", "expected"), [(0, Outcome.MET), (28, Outcome.MET), (29, Outcome.NOT_MET)]
    )
    def test_date_within_days(self, days_ago, expected):
        answer = (TODAY - dt.timedelta(days=days_ago)).isoformat()
        assert evaluate_criterion(GRAFT, answer, reference_date=TODAY).outcome is expected

    def test_date_at_least_days_ago(self):
        spec = CriterionSpec("onset", "date", comparison="days_ago_at_least", threshold=Decimal(90))
        assert (
            evaluate_criterion(spec, TODAY - dt.timedelta(days=90), reference_date=TODAY).outcome
            is Outcome.MET
        )
        assert (
            evaluate_criterion(spec, TODAY - dt.timedelta(days=89), reference_date=TODAY).outcome
            is Outcome.NOT_MET
        )

    @pytest.mark.parametrize("answer", ["2026-02-30", "hier", dt.datetime(2026, 3, 1, 12, 0), "2026-03-16"])
    def test_an_impossible_or_future_date_needs_review(self, answer):
        assert evaluate_criterion(GRAFT, answer, reference_date=TODAY).outcome is Outcome.NEEDS_REVIEW

    def test_previous_treatments_count_distinct_failed_drugs(self):
        three = [
            {"drug": "amitriptyline", "outcome": "ineffective"},
            {"drug": "topiramate", "outcome": "not_tolerated"},
            {"drug": "propranolol", "outcome": "contraindicated"},
        ]
        assert evaluate_criterion(PROPHYLACTICS, three, reference_date=TODAY).outcome is Outcome.MET
        same_twice = [*three[:2], {"drug": " Topiramate ", "outcome": "ineffective"}]
        assert evaluate_criterion(PROPHYLACTICS, same_twice, reference_date=TODAY).outcome is Outcome.NOT_MET
        other = [*three[:2], {"drug": "candesartan", "outcome": "other"}]
        assert evaluate_criterion(PROPHYLACTICS, other, reference_date=TODAY).outcome is Outcome.NOT_MET

    def test_an_empty_treatment_list_is_an_answer(self):
        assert evaluate_criterion(PROPHYLACTICS, [], reference_date=TODAY).outcome is Outcome.NOT_MET

    def test_a_malformed_treatment_needs_review(self):
        answer = [{"drug": "topiramate", "outcome": "bored"}]
        assert evaluate_criterion(PROPHYLACTICS, answer, reference_date=TODAY).outcome is Outcome.NEEDS_REVIEW

    def test_a_misconfigured_criterion_needs_review_not_a_guess(self):
        broken = CriterionSpec("x", "number", comparison="ge")  # no threshold
        assert spec_problems(broken)
        result = evaluate_criterion(broken, 12, reference_date=TODAY)
        assert (result.outcome, result.reason) == (Outcome.NEEDS_REVIEW, "bad_spec")


class TestTheIndicationAsAWhole:
    def test_all_required_met_allows_an_automatic_decision(self):
        evaluation = run([UAS7, ANTIHISTAMINES, NOTES], {"uas7": 22, "antihistamines_optimised": True})
        assert evaluation.overall is Outcome.MET
        assert evaluation.automatic_decision
        assert evaluation.needs_review == ("notes",)  # shown to reviewers, never blocking

    def test_not_when_the_indication_does_not_allow_it(self):
        evaluation = run([UAS7], {"uas7": 22}, automatic=False)
        assert evaluation.overall is Outcome.MET
        assert not evaluation.automatic_decision

    def test_one_required_not_met_means_not_met(self):
        evaluation = run([UAS7, ANTIHISTAMINES], {"uas7": 10, "antihistamines_optimised": None})
        assert evaluation.overall is Outcome.NOT_MET
        assert evaluation.not_met == ("uas7",)

    def test_a_required_free_text_sends_to_review(self):
        required_text = CriterionSpec("story", "text")
        evaluation = run([UAS7, required_text], {"uas7": 30, "story": "x"})
        assert evaluation.overall is Outcome.NEEDS_REVIEW
        assert not evaluation.automatic_decision

    def test_alternatives_one_met_is_enough(self):
        # fidaxomicin: age 65 or more, OR severe immunosuppression, OR first recurrence
        alternatives = [
            yes("age_65", group="risk"),
            yes("immunosuppressed", group="risk"),
            yes("recurrence", group="risk"),
        ]
        met = run(alternatives, {"age_65": False, "immunosuppressed": True})
        assert met.overall is Outcome.MET
        review = run(alternatives, {"age_65": False, "immunosuppressed": False})
        assert review.overall is Outcome.NEEDS_REVIEW  # one alternative unanswered
        not_met = run(alternatives, {"age_65": False, "immunosuppressed": False, "recurrence": False})
        assert not_met.overall is Outcome.NOT_MET

    def test_no_counted_criterion_never_decides_automatically(self):
        evaluation = run([NOTES], {"notes": "x"})
        assert evaluation.overall is Outcome.NEEDS_REVIEW
        assert not evaluation.automatic_decision

    def test_unknown_answer_keys_are_ignored(self):
        assert run([UAS7], {"uas7": 16, "other": "x"}).overall is Outcome.MET


@pytest.mark.django_db
def test_evaluate_reads_a_loaded_indication_version(django_assert_num_queries):
    from pme.catalogue.selectors import indication_version
    from pme.catalogue.tests.factories import CriterionFactory, IndicationFactory

    indication = IndicationFactory.create(automatic_decision=True)
    CriterionFactory(
        indication=indication, key="eos", kind="number", comparison="ge", threshold=300, satisfying_values=[]
    )
    CriterionFactory.create(indication=indication, key="severe", kind="yes_no", satisfying_values=[True])
    loaded = indication_version(indication.pk)
    assert loaded is not None
    with django_assert_num_queries(0):
        evaluation = evaluate(loaded, {"eos": "450", "severe": "yes"}, reference_date=TODAY)
    assert evaluation.automatic_decision
    assert evaluate(loaded, {"eos": 250, "severe": True}, reference_date=TODAY).overall is Outcome.NOT_MET


# ---------------------------------------------------------------------------------------------------------
# Properties

outcomes = st.sampled_from(list(Outcome))
keys = st.text(alphabet="abcdefghij", min_size=1, max_size=4)


@st.composite
def yes_no_set(draw):
    """Yes/no criteria, some grouped, some not required, and answers for some of them."""
    names = draw(st.lists(keys, min_size=1, max_size=8, unique=True))
    criteria = [
        CriterionSpec(
            n,
            "yes_no",
            group=draw(st.sampled_from(["", "", "g1", "g2"])),
            satisfying_values=[draw(st.booleans())],
            required_for_automatic=draw(st.booleans()),
        )
        for n in names
    ]
    answers = {n: draw(st.one_of(st.none(), st.booleans())) for n in names}
    return criteria, answers


@given(yes_no_set(), st.booleans())
def test_an_automatic_decision_needs_every_counted_group_met(case, allowed):
    criteria, answers = case
    evaluation = run(criteria, answers, automatic=allowed)
    counted_groups = evaluation.group_outcomes
    assert evaluation.automatic_decision == (
        allowed and bool(counted_groups) and all(o is Outcome.MET for o in counted_groups.values())
    )
    assert len(evaluation.results) == len(criteria)


@given(yes_no_set())
def test_criteria_not_required_never_change_the_overall_result(case):
    criteria, answers = case
    required_only = [c for c in criteria if c.required_for_automatic]
    assert run(criteria, answers).overall is run(required_only, answers).overall


@given(yes_no_set(), st.sampled_from(["", "g1"]))
def test_adding_an_unanswered_required_criterion_never_makes_it_met_automatically(case, group):
    criteria, answers = case
    extra = yes("zzzz", group=group)
    before = run(criteria, answers)
    after = run([*criteria, extra], answers)
    if group == "":
        assert not after.automatic_decision
    if before.overall is Outcome.NOT_MET and group == "":
        assert after.overall is Outcome.NOT_MET


@given(yes_no_set())
def test_the_order_of_criteria_does_not_matter(case):
    criteria, answers = case
    assert run(criteria, answers).overall is run(list(reversed(criteria)), answers).overall


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**6), max_value=10**6, places=3),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**6), max_value=10**6, places=3),
    st.sampled_from(["ge", "gt", "le", "lt", "eq"]),
)
def test_a_number_criterion_is_exactly_its_comparison(answer, threshold, comparison):
    spec = CriterionSpec("n", "number", comparison=comparison, threshold=threshold)
    expected = {
        "ge": answer >= threshold,
        "gt": answer > threshold,
        "le": answer <= threshold,
        "lt": answer < threshold,
        "eq": answer == threshold,
    }[comparison]
    for form in (answer, str(answer)):
        outcome = evaluate_criterion(spec, form, reference_date=TODAY).outcome
        assert outcome is (Outcome.MET if expected else Outcome.NOT_MET)


@given(
    st.one_of(st.text(), st.integers(), st.none(), st.lists(st.text()), st.dictionaries(st.text(), st.text()))
)
def test_free_text_is_never_decided(answer):
    assert evaluate_criterion(NOTES, answer, reference_date=TODAY).outcome is Outcome.NEEDS_REVIEW


treatment = st.fixed_dictionaries(
    {
        "drug": st.sampled_from(["a", "b", "c", "d", "A "]),
        "outcome": st.sampled_from(["ineffective", "not_tolerated", "contraindicated", "other"]),
    }
)


@given(st.lists(treatment, max_size=8), st.integers(min_value=1, max_value=4))
def test_more_failed_treatments_never_hurt(treatments, minimum):
    spec = CriterionSpec("t", "previous_treatments", threshold=Decimal(minimum))
    before = evaluate_criterion(spec, treatments, reference_date=TODAY).outcome
    after = evaluate_criterion(
        spec, [*treatments, {"drug": "zzz", "outcome": "ineffective"}], reference_date=TODAY
    ).outcome
    assert before in (Outcome.MET, Outcome.NOT_MET)
    if before is Outcome.MET:
        assert after is Outcome.MET


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY), st.integers(min_value=0, max_value=400))
def test_within_days_and_days_ago_at_least_split_the_past(answer, days):
    within = CriterionSpec("d", "date", comparison="within_days", threshold=Decimal(days))
    at_least = CriterionSpec("d", "date", comparison="days_ago_at_least", threshold=Decimal(days + 1))
    a = evaluate_criterion(within, answer, reference_date=TODAY).outcome
    b = evaluate_criterion(at_least, answer, reference_date=TODAY).outcome
    assert {a, b} == {Outcome.MET, Outcome.NOT_MET}
