"""Letters say what was decided and reach only those who may see the request (the notices' delivery
and retries: pme/notices/tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from pme.review import services
from pme.review.letters import _block, content_of, decision_letter
from pme.review.tests.factories import reason, sent_for_review, taken
from tests.personas import client_for

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_the_refusal_letter_states_the_reasons_and_the_six_month_review_right(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    decision = services.refuse_request(
        request_id=request.pk,
        reviewer=reviewer,
        reasons=[services.ReasonInput(reason(), "exacerbations")],
        text="Two exacerbations are needed.",
        expected_version=request.row_version,
    )
    with translation.override("fr"):
        heading, lines = _block(decision.auth_request, content_of(decision), "fr")
    text = "\n".join(lines)
    assert heading == "Autorisation de paiement : refusée"
    assert "critère non rempli : Au moins 2 exacerbations?" in text
    assert "dans un délai de 6 mois" in text
    assert str(request.number) in text
    assert decision_letter(decision).startswith(b"%PDF")


@pytest.mark.django_db
def test_letters_reach_the_prescriber_and_collaborators_only(
    refused_decision, prescriber, collaborator, other_prescriber, other_collaborator, pharmacist
):
    url = reverse("review:letter", args=[refused_decision.pk])
    for person in (prescriber, collaborator):
        response = client_for(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    for person in (other_prescriber, other_collaborator, pharmacist):
        assert client_for(person).get(url).status_code == 404
    assert client_for(prescriber).get(reverse("review:letter", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_prescriber_page_shows_the_reasons_and_the_letter_link(refused_decision, prescriber):
    page = client_for(prescriber).get(
        reverse("authorizations:detail", args=[refused_decision.auth_request_id])
    )
    html = page.content.decode()
    assert reverse("review:letter", args=[refused_decision.pk]) in html
    reason_text = refused_decision.reason_lines.get().reason.text_fr
    assert reason_text.replace("'", "&#x27;") in html
