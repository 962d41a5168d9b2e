"""What a prescriber or an assistant reads on their pages: why a sent request went where it went, the
Régie's question with its reply deadline, "Mes demandes" searched by patient and sorted, the prescriber
column for assistants, and the home page's to-do list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from pme.accounts.models import Delegation, DelegationPermission
from pme.accounts.tests.factories import PrescriberProfileFactory
from pme.authorizations.services import Route, submit_request
from pme.authorizations.tests.factories import codified_indication, make_draft
from pme.core.nam import NAM
from pme.review import services as review
from pme.review.tests.factories import reviewer_factory
from tests.personas import client_for


def _send(client, draft) -> str:
    response = client.post(reverse("authorizations:transmit", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "route", "expected"),
    [
        ({"automatic_decision": True}, Route.ACCEPTED, "est acceptée"),
        ({"automatic_decision": False}, Route.REVIEWER_REQUIRED, "toujours évaluée par un évaluateur"),
        (
            {"automatic_decision": True, "initial_duration": None},
            Route.NO_STANDARD_PERIOD,
            "fixera la période",
        ),
        ({"automatic_decision": True, "answer": False}, Route.NOT_MET, "Au moins 2 exacerbations?"),
    ],
)
def test_the_message_after_sending_names_the_real_path(prescriber, setup, route, expected):
    answer = setup.pop("answer", True)
    indication = codified_indication(**setup)
    draft = make_draft(prescriber, indication, answers={"exacerbations": answer})
    html = _send(client_for(prescriber), draft)
    draft.refresh_from_db()
    assert draft.evaluation["route"] == route
    assert expected in html
    if route != Route.ACCEPTED:
        assert "au moins un critère demande" not in html  # the old catch-all sentence


@pytest.mark.django_db
def test_an_exceptional_patient_request_says_it_is_always_assessed(prescriber):
    html = _send(client_for(prescriber), make_draft(prescriber))
    assert "patient d'exception sont toujours évaluées par un évaluateur" in html


@pytest.mark.django_db
def test_the_question_is_at_the_top_with_the_date_and_the_reply_deadline(prescriber):
    reviewer = reviewer_factory("CE500001")
    asked = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)
    with time_machine.travel(asked, tick=False):
        auth_request = submit_request(actor=prescriber, request_id=make_draft(prescriber).pk).auth_request
        review.take_request(reviewer=reviewer, request_id=auth_request.pk)
        review.request_information(
            reviewer=reviewer,
            request_id=auth_request.pk,
            questions="Joindre le rapport du spécialiste.",
            expected_version=None,
        )
    html = (
        client_for(prescriber).get(reverse("authorizations:detail", args=[auth_request.pk])).content.decode()
    )
    main = html.split("<main", 1)[1]
    question = main.index("Joindre le rapport du spécialiste.")
    assert question < main.index("Personne assurée")  # before the request's content
    assert "Demandé le 3 novembre 2026. Répondez au plus tard le 3 décembre 2026." in main
    assert main.count(f'href="/fr/requests/{auth_request.pk}/answer/"') == 1


def _numbers(html: str) -> list[str]:
    return re.findall(r">(20\d\d-\d{6})<", html)


@pytest.fixture
def two_patients(prescriber):
    julie = submit_request(actor=prescriber, request_id=make_draft(prescriber).pk).auth_request
    other = make_draft(
        prescriber,
        nam=NAM.parse("ROYM70010112"),
        insured_last_name="Roy",
        insured_first_name="Michel",
        insured_birth_date=dt.date(1970, 1, 1),
    )
    michel = submit_request(actor=prescriber, request_id=other.pk).auth_request
    return julie, michel


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["ROYM 7001 0112", "roy", "Michel Roy"])
def test_my_requests_finds_a_patient_by_nam_or_name_without_the_nam_in_a_url(
    prescriber, two_patients, person
):
    julie, michel = two_patients
    client = client_for(prescriber)
    response = client.post(reverse("authorizations:list"), {"person": person, "sort": "sent"})
    assert response.status_code == 302
    assert response["Location"] == reverse("authorizations:list")  # nothing typed goes in the address
    html = client.get(reverse("authorizations:list")).content.decode()
    assert _numbers(html) == [michel.number]
    html = client.get(reverse("authorizations:list") + "?clear=1", follow=True).content.decode()
    assert set(_numbers(html)) == {julie.number, michel.number}


@pytest.mark.django_db
def test_my_requests_sorts_by_date_sent(prescriber, two_patients):
    julie, michel = two_patients
    client = client_for(prescriber)
    client.post(reverse("authorizations:list"), {"sort": "sent_asc"})
    assert _numbers(client.get(reverse("authorizations:list")).content.decode()) == [
        julie.number,
        michel.number,
    ]
    client.post(reverse("authorizations:list"), {"sort": "sent"})
    assert _numbers(client.get(reverse("authorizations:list")).content.decode()) == [
        michel.number,
        julie.number,
    ]


@pytest.mark.django_db
def test_an_assistant_of_two_prescribers_sees_and_filters_by_prescriber(collaborator, prescriber):
    second = PrescriberProfileFactory.create(user__username="presc.c", user__last_name="Zèbre").user
    Delegation.objects.create(
        collaborator=collaborator,
        prescriber=second,
        permission=DelegationPermission.CONSULT,
        starts_on=dt.date(2020, 1, 1),
        accepted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    first = submit_request(actor=prescriber, request_id=make_draft(prescriber).pk).auth_request
    other = submit_request(actor=second, request_id=make_draft(second).pk).auth_request
    client = client_for(collaborator)
    html = client.get(reverse("authorizations:list")).content.decode()
    assert '<th scope="col">Prescripteur</th>' in html
    assert second.get_full_name() in html
    assert set(_numbers(html)) == {first.number, other.number}
    client.post(reverse("authorizations:list"), {"prescriber": str(second.pk), "sort": "sent"})
    assert _numbers(client.get(reverse("authorizations:list")).content.decode()) == [other.number]
    # Another prescriber is not a choice: refused with a message, nothing kept.
    stranger = PrescriberProfileFactory.create(user__username="presc.d").user
    response = client.post(reverse("authorizations:list"), {"prescriber": str(stranger.pk)})
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_home_page_starts_with_what_to_do(prescriber, collaborator):
    Delegation.objects.filter(collaborator=collaborator).update(permission=DelegationPermission.CONSULT_DRAFT)
    waiting = make_draft(prescriber, entered_by=collaborator)
    html = client_for(prescriber).get(reverse("portal:home")).content.decode()
    todo = html.split('id="todo-title"', 1)[1]
    assert "Brouillons à vérifier et à transmettre" in todo
    assert f"Brouillon nº {waiting.pk}" in todo
    assert "saisi par" in todo
    html = client_for(collaborator).get(reverse("portal:home")).content.decode()
    assert "Brouillons que vous avez saisis, en attente du prescripteur" in html
