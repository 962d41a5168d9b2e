"""The privacy officer's pages over the trail: search, who accessed a person, CSV, yearly report."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone

from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, Outcome
from pme.audit.services import nam_hash, record
from pme.audit.tests.fixtures import fr_url

TODAY = dt.date(2026, 11, 20)
NOON = dt.datetime(2026, 11, 20, 17, tzinfo=dt.UTC)  # 12:00 in Montréal


@pytest.fixture
def accesses(collaborator, prescriber, pharmacist, reviewer, nam, other_nam):
    """Who looked at whom: two accesses to `nam`, one to another person, one without a person."""
    with time_machine.travel(NOON, tick=False):
        return {
            "pharmacist": record(AuditCode.INSURED_SEARCHED, actor=pharmacist, nam=nam, result_count=1),
            "collaborator": record(
                AuditCode.REQUEST_VIEWED, actor=collaborator, nam=nam, on_behalf_of=prescriber
            ),
            "other": record(AuditCode.REQUEST_VIEWED, actor=reviewer, nam=other_nam),
            "none": record(AuditCode.USER_CREATED, actor=None),
        }


def report(client, nam_text="GIRR 7204 1523", start=TODAY - dt.timedelta(days=30), end=TODAY):
    return client.post(fr_url("audit:person_report"), {"nam": nam_text, "date_from": start, "date_to": end})


@pytest.mark.django_db
def test_who_accessed_lists_exactly_the_events_recorded_for_the_nam(officer_client, accesses, nam):
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        response = report(officer_client)
        assert response.status_code == 302
        location = response["Location"]
        assert "GIRR" not in location.upper()
        assert "7204" not in location
        page = officer_client.get(location)
    assert page.status_code == 200
    listed = [event.seq for event in page.context["page"].object_list]
    assert listed == [accesses["collaborator"].seq, accesses["pharmacist"].seq]
    html = page.content.decode()
    assert "GIRR ···· ··23" in html
    assert "GIRR 7204 1523" not in html
    assert "GIRR72041523" not in html
    assert "collab.a" in html
    assert "Adjointe ou adjoint administratif" in html
    assert "Marie" in html  # on whose behalf: the prescriber
    assert "20 novembre 2026, 12:00:00" in html  # when, in Montréal time, written out
    # The report is itself recorded, with the person it was about.
    viewed = AuditEvent.objects.get(action="audit.person_report.viewed")
    assert viewed.nam_hash == nam_hash(nam)
    assert viewed.result_count == 2
    assert "7204" not in str(viewed.details)


@pytest.mark.django_db
def test_who_accessed_keeps_to_the_period(officer_client, accesses):
    later = report(officer_client, start=TODAY + dt.timedelta(days=1), end=TODAY + dt.timedelta(days=5))
    page = officer_client.get(later["Location"])
    assert page.context["page"].paginator.count == 0
    assert "Personne n'a consulté" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nam_text", "message"),
    [
        ("", "Remplissez « Numéro d&#x27;assurance maladie (NAM) »."),
        ("TREM 8503", "4 lettres et 8 chiffres"),
        ("TREM 8513 1512", "Le mois de ce numéro"),
    ],
)
def test_a_bad_nam_gets_a_clear_message(officer_client, nam_text, message):
    response = report(officer_client, nam_text=nam_text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.person_report.viewed").exists()


@pytest.mark.django_db
def test_who_accessed_csv_has_the_same_events(officer_client, accesses):
    location = report(officer_client)["Location"]
    token = location.split("q=")[1]
    response = officer_client.get(f"{fr_url('audit:person_report_csv')}?q={token}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][:4] == ["Numéro", "Date et heure", "Code de l'action", "Action"]
    assert [int(row[0]) for row in rows[1:]] == [accesses["collaborator"].seq, accesses["pharmacist"].seq]
    assert rows[1][4] == "collab.a"
    assert rows[1][6] == "presc.a"
    assert AuditEvent.objects.filter(action="audit.person_report.exported").count() == 1


@pytest.mark.django_db
def test_search_by_user_action_and_nam(officer_client, accesses):
    form = {"username": "COLLAB.A", "nam": "girr72041523", "action": "request.viewed"}
    location = officer_client.post(fr_url("audit:events"), form)["Location"]
    assert "girr" not in location.lower()
    page = officer_client.get(location)
    assert [e.seq for e in page.context["page"].object_list] == [accesses["collaborator"].seq]
    searched = AuditEvent.objects.filter(action="audit.events.searched").latest("seq")
    assert searched.details["criteria"] == {
        "username": "COLLAB.A",
        "insured_person": True,
        "action": "request.viewed",
        "from": "",
        "to": "",
    }


@pytest.mark.django_db
def test_search_by_period(officer_client, accesses, reviewer):
    with time_machine.travel(NOON - dt.timedelta(days=10), tick=False):
        old = record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    form = {"date_from": TODAY - dt.timedelta(days=11), "date_to": TODAY - dt.timedelta(days=9)}
    page = officer_client.get(officer_client.post(fr_url("audit:events"), form)["Location"])
    assert [e.seq for e in page.context["page"].object_list] == [old.seq]


@pytest.mark.django_db
def test_period_end_before_start_is_refused(officer_client):
    form = {"date_from": TODAY, "date_to": TODAY - dt.timedelta(days=1)}
    response = officer_client.post(fr_url("audit:events"), form)
    assert response.status_code == 400
    assert "La fin de la période ne peut pas précéder son début." in response.content.decode()


@pytest.mark.django_db
def test_search_pages_through_many_events(officer_client, reviewer):
    for _ in range(60):
        record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    first = officer_client.get(fr_url("audit:events"))
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 sur 2" in first.content.decode()
    second = officer_client.get(fr_url("audit:events") + "?page=2")
    # 60 events plus the first page's own search event
    assert len(second.context["page"].object_list) == 11


@pytest.mark.django_db
def test_an_expired_search_says_so(officer_client):
    response = officer_client.get(fr_url("audit:events") + "?q=unknown-token")
    assert response.status_code == 200
    assert "Cette recherche a expiré" in response.content.decode()


@pytest.mark.django_db
def test_action_codes_are_shown_as_sentences(officer_client, reviewer):
    record(AuditCode.INSURED_SEARCHED, actor=reviewer)
    html = officer_client.get(fr_url("audit:events")).content.decode()
    assert "<td>Recherche d&#x27;une personne assurée<br>" in html


@pytest.mark.django_db
def test_known_action_is_translated(officer_client, incident):
    assert (
        "Inscription d&#x27;un incident de confidentialité"
        in officer_client.get(fr_url("audit:events")).content.decode()
    )
    english = officer_client.get("/en/audit/").content.decode()
    assert "Registered a confidentiality incident" in english


@pytest.mark.django_db
def test_events_csv_escapes_spreadsheet_formulas(officer_client, reviewer):
    reviewer.username = "=HYPERLINK(1)"
    reviewer.save()
    record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    response = officer_client.get(fr_url("audit:events_csv"))
    content = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in content
    assert ",=HYPERLINK" not in content


@pytest.mark.django_db
def test_yearly_report_counts_by_action_and_role(officer_client, accesses, reviewer):
    with time_machine.travel(dt.datetime(2025, 6, 1, 15, tzinfo=dt.UTC), tick=False):
        record(AuditCode.REQUEST_VIEWED, actor=reviewer)  # another year: not counted in 2026
    with time_machine.travel(NOON, tick=False):
        response = officer_client.get(fr_url("audit:yearly_report") + "?year=2026")
    assert response.status_code == 200
    counts = {(r["action"], r["role"], r["outcome"]): r["count"] for r in response.context["rows"]}
    assert counts == {
        ("insured.searched", "Pharmacienne ou pharmacien", "Effectué"): 1,
        ("request.viewed", "Adjointe ou adjoint administratif", "Effectué"): 1,
        ("request.viewed", "Évaluatrice ou évaluateur de la Régie", "Effectué"): 1,
        ("user.created", "Système", "Effectué"): 1,
    }
    assert response.context["total"] == 4
    assert response.context["persons"] == 2
    assert AuditEvent.objects.filter(action="audit.yearly_report.viewed").get().details == {"year": 2026}


@pytest.mark.django_db
def test_yearly_report_csv(officer_client, accesses):
    with time_machine.travel(NOON, tick=False):
        response = officer_client.get(fr_url("audit:yearly_report_csv") + "?year=2026")
    content = b"".join(response.streaming_content).decode()
    assert (
        "insured.searched,Recherche d'une personne assurée,Pharmacienne ou pharmacien,Effectué,1" in content
    )


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["1999", "3000", "abc"])
def test_yearly_report_refuses_a_bad_year(officer_client, year):
    response = officer_client.get(fr_url("audit:yearly_report") + f"?year={year}")
    assert response.status_code == 400


@pytest.mark.django_db
def test_denied_attempts_appear_in_the_report(officer_client, pharmacist, nam):
    with time_machine.travel(NOON, tick=False):
        record(AuditCode.INSURED_SEARCHED, actor=pharmacist, nam=nam, outcome=Outcome.DENIED)
    with time_machine.travel(NOON, tick=False):
        page = officer_client.get(report(officer_client)["Location"])
    assert "Refusé" in page.content.decode()
    assert timezone.now()  # the page rendered under the real clock too
