"""The reviewer reads the letter a decision would send before sending it: the preview decides nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pme.audit.models import AuditEvent
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest
from pme.review.models import Decision
from pme.review.tests.factories import reason, sent_for_review, taken
from tests.personas import client_for


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["accept", "refuse"])
def test_the_preview_is_the_letter_and_decides_nothing(prescriber, reviewer, decision):
    auth_request = taken(sent_for_review(prescriber), reviewer)
    data = {"row_version": auth_request.row_version, "preview": "1"}
    if decision == "accept":
        data |= {"start": "2026-12-01", "end": "2027-11-30", "quantity": "1 par mois"}
    else:
        data |= {"reason_1": str(reason().pk), "text": "Deux exacerbations documentées sont requises."}
    response = client_for(reviewer).post(reverse(f"review:{decision}", args=[auth_request.pk]), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF")
    assert not Decision.objects.filter(auth_request=auth_request).exists()
    assert AuthorizationRequest.objects.get(pk=auth_request.pk).status == Status.IN_REVIEW
    event = AuditEvent.objects.filter(action="decision.letter_previewed").get()
    assert event.actor_id == reviewer.pk


@pytest.mark.django_db
def test_only_the_reviewer_who_holds_the_request_previews(prescriber, reviewer):
    from pme.review.tests.factories import reviewer_factory

    auth_request = taken(sent_for_review(prescriber), reviewer)
    other = reviewer_factory("CE600001")
    data = {
        "row_version": auth_request.row_version,
        "preview": "1",
        "start": "2026-12-01",
        "end": "2027-11-30",
    }
    response = client_for(other).post(reverse("review:accept", args=[auth_request.pk]), data)
    assert response.status_code == 302  # back to the request: take it first
    assert not AuditEvent.objects.filter(action="decision.letter_previewed").exists()
