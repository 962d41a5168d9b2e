"""The panorama through HTTP: the 90-day window (frozen clocks, across daylight-saving changes), whose
requests, which lines and summaries, one audit event per search, the same answer for an empty result
and an unknown person, and a query count that does not grow with the results."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pme.accounts.models import Delegation, DelegationPermission, Role
from pme.accounts.services.delegations import remove_delegation
from pme.accounts.tests.factories import DelegationFactory, PrescriberProfileFactory, UserFactory
from pme.audit.models import AuditEvent
from pme.audit.services import nam_hash
from pme.authorizations.services import withdraw_request
from pme.authorizations.tests.factories import NAM_TREMBLAY, make_draft
from pme.consultation.tests.factories import (
    accept,
    answer,
    ask_information,
    days_ago,
    refuse,
    sent_at,
    take,
)
from pme.core.nam import NAM
from pme.core.timeutils import REGIE_TZ
from tests.personas import client_for

FORM = "/fr/consultation/"
RESULTS = "/fr/consultation/results/"
OTHER_NAM = "GAGL70121088"


def search(client, nam: str = "trem 8553 1512", drug: str = "", language: str = "fr"):
    """Posts the form as a browser would, then follows the redirect to the results."""
    form, results = (url.replace("/fr/", f"/{language}/") for url in (FORM, RESULTS))
    response = client.post(form, {"nam": nam, "drug": drug})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == results
    return client.get(results)


def numbers(response) -> list[str]:
    return re.findall(r"\b20\d\d-\d{6}\b", main(response))


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=REGIE_TZ)


@pytest.mark.django_db
def test_the_nam_travels_in_the_body_and_the_results_survive_a_refresh(prescriber):
    auth_request = sent_at(days_ago(3), prescriber)
    client = client_for(prescriber)
    response = client.post(FORM, {"nam": "trem 8553 1512", "drug": ""})
    assert response.status_code == 302
    assert NAM_TREMBLAY not in response["Location"]
    assert "8553" not in response["Location"]
    first = client.get(RESULTS)
    again = client.get(RESULTS)  # refresh: same page, no resubmission
    assert numbers(first) == numbers(again) == [auth_request.number]
    assert "TREM 8553 1512" in main(first)
    assert AuditEvent.objects.filter(action="insured.searched").count() == 2  # two displays, two looks


@pytest.mark.django_db
def test_results_without_a_search_send_back_to_the_form(prescriber):
    response = client_for(prescriber).get(RESULTS)
    assert response.status_code == 302
    assert response["Location"] == FORM


@pytest.mark.django_db
def test_a_wrong_nam_is_explained_at_the_field_and_nothing_is_searched(prescriber):
    response = client_for(prescriber).post(FORM, {"nam": "TREM 8513 1512"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_nam"' in html
    assert 'id="id_nam-error"' in html
    assert not AuditEvent.objects.filter(action="insured.searched").exists()


# (now, first instant in the window, last instant out of it): 90 calendar days, Montréal time, the
# window starting in standard time while now is daylight time, and the reverse.
DST_CASES = [
    (local(2026, 6, 1, 12), local(2026, 3, 3, 0, 0, 0), local(2026, 3, 2, 23, 59, 59)),
    (local(2027, 1, 20, 9), local(2026, 10, 22, 0, 0, 0), local(2026, 10, 21, 23, 59, 59)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("now", "first_in", "last_out"), DST_CASES, ids=["spring", "autumn"])
def test_the_90_day_window_is_exact_across_a_daylight_saving_change(prescriber, now, first_in, last_out):
    assert first_in.utcoffset() != now.utcoffset()  # the window crosses a change of offset
    inside = sent_at(first_in, prescriber)
    outside = sent_at(last_out, prescriber)
    with time_machine.travel(now, tick=False):
        recent = sent_at(now - dt.timedelta(days=10), prescriber)
        day_89 = sent_at(now - dt.timedelta(days=89), prescriber)
        collaborator = UserFactory.create(role=Role.COLLABORATOR)
        DelegationFactory.create(collaborator=collaborator, prescriber=prescriber)
        for user in (prescriber, collaborator):
            response = search(client_for(user))
            assert numbers(response) == [recent.number, day_89.number, inside.number]
            assert outside.number not in response.content.decode()
            assert "3 demandes transmises depuis le" in main(response)


@pytest.mark.django_db
def test_a_collaborator_of_two_prescribers_sees_both_grouped_and_nothing_else(prescriber, other_prescriber):
    collaborator = UserFactory.create(role=Role.COLLABORATOR)
    for p in (prescriber, other_prescriber):
        DelegationFactory.create(collaborator=collaborator, prescriber=p)
    removed, ended, pending, stranger = (PrescriberProfileFactory.create().user for _ in range(4))
    remove_delegation(DelegationFactory.create(collaborator=collaborator, prescriber=removed), actor=removed)
    DelegationFactory.create(
        collaborator=collaborator,
        prescriber=ended,
        starts_on=days_ago(30).date(),
        ends_on=days_ago(1).date(),
    )
    DelegationFactory.create(collaborator=collaborator, prescriber=pending, accepted_at=None)
    mine = [sent_at(days_ago(5), prescriber), sent_at(days_ago(6), other_prescriber)]
    hidden = [sent_at(days_ago(5), p) for p in (removed, ended, pending, stranger)]
    hidden.append(sent_at(days_ago(5), prescriber, nam=NAM.parse(OTHER_NAM)))

    response = search(client_for(collaborator))
    shown = numbers(response)
    assert sorted(shown) == sorted(str(r.number) for r in mine)
    html = main(response)
    assert all(str(r.number) not in html for r in hidden)
    for p in (prescriber, other_prescriber):  # one heading per prescriber
        assert f"<h2>Demandes de {p.get_full_name()}</h2>" in html
    event = AuditEvent.objects.get(action="insured.searched")
    assert set(event.details["prescribers"]) == {prescriber.pk, other_prescriber.pk}
    assert sorted(event.details["requests"]) == sorted(r.pk for r in mine)
    assert event.on_behalf_of is None  # several: they are listed in the details
    assert event.result_count == 2


@pytest.mark.django_db
def test_a_draft_is_never_shown(prescriber):
    draft = make_draft(prescriber)
    sent = sent_at(days_ago(1), prescriber)
    withdrawn = withdraw_request(request_id=sent_at(days_ago(2), prescriber).pk, actor=prescriber)
    response = search(client_for(prescriber))
    assert numbers(response) == [sent.number, withdrawn.number]  # sent, then withdrawn: still shown
    assert f"/requests/{draft.pk}/" not in main(response)


@pytest.mark.django_db
def test_each_search_writes_one_audit_event(collaborator, prescriber):
    sent_at(days_ago(2), prescriber)
    sent_at(days_ago(3), prescriber)
    search(client_for(collaborator))
    event = AuditEvent.objects.get(action="insured.searched")
    assert event.actor == collaborator
    assert event.actor_role == Role.COLLABORATOR
    assert event.on_behalf_of == prescriber
    assert event.nam_hash == nam_hash(NAM.parse(NAM_TREMBLAY))
    assert NAM_TREMBLAY not in str(event.details)
    assert event.result_count == 2
    assert event.details["service"] == "panorama"
    search(client_for(collaborator), nam=OTHER_NAM)
    assert AuditEvent.objects.filter(action="insured.searched").count() == 2
    assert AuditEvent.objects.filter(action="insured.searched").first().result_count == 0  # type: ignore[union-attr]


@pytest.mark.django_db
def test_an_empty_result_and_an_unknown_person_look_the_same(prescriber, other_prescriber):
    sent_at(days_ago(2), other_prescriber)  # the person has requests, from someone else
    client = client_for(prescriber)
    known = main(search(client, nam=NAM_TREMBLAY)).replace("TREM 8553 1512", "NAM")
    unknown = main(search(client, nam=OTHER_NAM)).replace("GAGL 7012 1088", "NAM")
    assert known == unknown
    assert "Aucune demande au cours des 90 derniers jours pour cette personne" in known


@pytest.mark.django_db
def test_each_line_shows_its_status_in_words_and_its_summary(prescriber, request_indication):
    submitted = sent_at(days_ago(1), prescriber)
    in_review = take(sent_at(days_ago(2), prescriber))
    asked = ask_information(sent_at(days_ago(3), prescriber), "Quel est le résultat du dernier VEMS?")
    answered = ask_information(sent_at(days_ago(4), prescriber), "Depuis quand le traitement dure-t-il?")
    answer(answered, "Depuis 2024.")
    refused = refuse(sent_at(days_ago(5), prescriber), "Critère de sévérité non rempli.")
    accepted = accept(
        sent_at(days_ago(6), prescriber),
        start=dt.date(2026, 12, 1),
        end=dt.date(2027, 11, 30),
        quantity="1 inhalateur par mois",
    )
    response = search(client_for(prescriber), language="en")
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<tr>\s*<th scope="row">.*?(20\d\d-\d{6}).*?</tr>', main(response), re.S)
    }
    assert len(rows) == 6
    assert "Awaiting processing" in rows[submitted.number]
    assert "not yet opened by a reviewer" in rows[submitted.number]  # the meaning of the status
    assert "In process" in rows[in_review.number]
    assert "2 inhalations twice a day" in rows[submitted.number]  # the requested dosage
    assert "12 months" in rows[submitted.number]  # and duration
    assert "Clarification needed" in rows[asked.number]
    assert "Quel est le résultat du dernier VEMS?" in rows[asked.number]
    assert "Not answered yet." in rows[asked.number]
    assert "Depuis quand le traitement dure-t-il?" in rows[answered.number]
    assert "Answered on" in rows[answered.number]
    assert "Depuis 2024." not in rows[answered.number]  # the answer itself stays on the request page
    assert "Refused" in rows[refused.number]
    assert "Critère de sévérité non rempli." in rows[refused.number]
    assert "Accepted" in rows[accepted.number]
    assert "Authorized from 1 December 2026 to 30 November 2027" in rows[accepted.number]
    assert "1 inhalateur par mois" in rows[accepted.number]
    assert 'class="status status-refused"' in rows[refused.number]
    assert "Critère de sévérité" not in rows[accepted.number]  # each line its own summary


@pytest.mark.django_db
def test_the_drug_can_narrow_the_search_by_name_or_din(prescriber, request_indication):
    from pme.catalogue.models import DIN

    with_drug = sent_at(days_ago(1), prescriber, request_indication)
    described = sent_at(days_ago(2), prescriber)  # exceptional patient: "drug X 10 mg tablet"
    DIN.objects.create(drug=request_indication.drug, din="02470311")
    request_indication.drug.refresh_search_document()
    client = client_for(prescriber)
    assert numbers(search(client, drug=request_indication.drug.generic_name_fr[:5])) == [with_drug.number]
    assert numbers(search(client, drug="02470311")) == [with_drug.number]
    assert numbers(search(client, drug="drug x")) == [described.number]
    assert numbers(search(client)) == [with_drug.number, described.number]


@pytest.mark.django_db
def test_a_line_opens_the_request_page_which_records_the_view(collaborator, prescriber):
    auth_request = sent_at(days_ago(1), prescriber)
    client = client_for(collaborator)
    link = re.search(r'href="(/fr/requests/\d+/)"', main(search(client)))
    assert link is not None
    assert client.get(link.group(1)).status_code == 200
    view = AuditEvent.objects.get(action="request.viewed")
    assert (view.actor, view.object_id) == (collaborator, str(auth_request.pk))


@pytest.mark.django_db
def test_a_removed_collaborator_sees_nothing_at_the_next_refresh(collaborator, prescriber):
    sent_at(days_ago(1), prescriber)
    client = client_for(collaborator)
    assert len(numbers(search(client))) == 1
    remove_delegation(Delegation.objects.get(collaborator=collaborator), actor=prescriber)
    response = client.get(RESULTS)
    assert numbers(response) == []
    assert "Vous ne travaillez pour aucun prescripteur" in main(response)


@pytest.mark.django_db
def test_a_collaborator_with_the_draft_permission_also_opens_the_lines(prescriber):
    collaborator = UserFactory.create(role=Role.COLLABORATOR)
    DelegationFactory.create(
        collaborator=collaborator, prescriber=prescriber, permission=DelegationPermission.CONSULT_DRAFT
    )
    auth_request = sent_at(days_ago(1), prescriber)
    assert f'href="/fr/requests/{auth_request.pk}/"' in main(search(client_for(collaborator)))


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_results(prescriber, other_prescriber):
    collaborator = UserFactory.create(role=Role.COLLABORATOR)
    for p in (prescriber, other_prescriber):
        DelegationFactory.create(collaborator=collaborator, prescriber=p)
    many = "ROYC80022011"
    sent_at(days_ago(1), prescriber)
    for day in range(20):
        p = prescriber if day % 2 else other_prescriber
        auth_request = sent_at(days_ago(day + 1), p, nam=NAM.parse(many))
        if day % 3 == 0:
            refuse(auth_request, "motif")
        elif day % 3 == 1:
            ask_information(auth_request, "question")
    client = client_for(collaborator)
    search(client, nam=OTHER_NAM)  # warm-up: audit chain head, throttle entry, session
    counts = {}
    for nam, expected in ((NAM_TREMBLAY, 1), (many, 20)):
        client.post(FORM, {"nam": nam})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(RESULTS)
        assert len(numbers(response)) == expected
        counts[expected] = len(queries)
        listing = [
            q for q in queries.captured_queries if 'FROM "authorizations_authorizationrequest"' in q["sql"]
        ]
        assert len(listing) == 1, listing  # one query for the result list
    assert counts[1] == counts[20], counts
