from __future__ import annotations

import itertools

import pytest

from pme.authorizations.lifecycle import (
    TRANSITIONS,
    Action,
    Status,
    TransitionNotAllowed,
    allowed_actions,
    next_status,
)

# The flow of ../shared/domain.md, written out independently of the table it checks.
EXPECTED = {
    ("draft", "transmit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "accept_automatically"): "accepted",
    ("submitted", "take"): "in_review",
    ("submitted", "withdraw"): "withdrawn",
    ("in_review", "accept"): "accepted",
    ("in_review", "refuse"): "refused",
    ("in_review", "request_information"): "information_requested",
    ("in_review", "withdraw"): "withdrawn",
    ("information_requested", "answer"): "in_review",
    ("information_requested", "withdraw"): "withdrawn",
    ("refused", "ask_review"): "in_review",
}


def test_table_is_exactly_the_documented_flow():
    assert {(str(s), str(a)): str(t) for (s, a), t in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status.values, Action.values)))
def test_every_pair_is_allowed_exactly_when_in_the_table(status, action):
    if (status, action) in EXPECTED:
        assert next_status(status, action) == EXPECTED[(status, action)]
    else:
        with pytest.raises(TransitionNotAllowed):
            next_status(status, action)


def test_final_statuses_allow_nothing_but_a_review_of_a_refusal():
    assert allowed_actions(Status.ACCEPTED) == []
    assert allowed_actions(Status.WITHDRAWN) == []
    assert allowed_actions(Status.REFUSED) == [Action.ASK_REVIEW]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_status_label_is_the_status_display_in_each_language(language):
    from django.utils import translation

    from pme.authorizations.models import AuthorizationRequest

    with translation.override(language):
        for status in Status:
            item = AuthorizationRequest(status=status.value)
            assert item.status_label == item.get_status_display() == str(status.label)
