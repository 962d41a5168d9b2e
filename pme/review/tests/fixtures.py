"""Review fixtures, registered for the whole suite in the root conftest.py (the permission matrix uses
"@refused_decision")."""

from __future__ import annotations

import pytest

from pme.accounts.models import User
from pme.authorizations.models import AuthorizationRequest
from pme.review.models import Decision
from pme.review.services import ReasonInput, refuse_request, take_request
from pme.review.tests.factories import reason


@pytest.fixture
def refused_decision(sent_request: AuthorizationRequest, reviewer: User) -> Decision:
    taken = take_request(request_id=sent_request.pk, reviewer=reviewer)
    return refuse_request(
        request_id=taken.pk,
        reviewer=reviewer,
        reasons=[ReasonInput(reason("not-exceptional", applies_to_criterion=False))],
        text="The necessity is not shown.",
        expected_version=taken.row_version,
    )
