"""The pharmacist's status look-up: requests valid today or sent in the last 12 months (frozen clock,
across a daylight-saving change), any prescriber, and status fields only, in the HTML and in the
template context alike."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import models

from pme.audit.models import AuditEvent
from pme.authorizations.tests.factories import NAM_TREMBLAY
from pme.consultation.selectors import StatusLine
from pme.consultation.tests.factories import accept, ask_information, days_ago, refuse, sent_at
from pme.consultation.tests.test_panorama import local, main
from tests.personas import client_for

FORM = "/fr/consultation/status/"
RESULTS = "/fr/consultation/status/results/"
CLINICAL = "Antécédents: trois hospitalisations en 2025."
QUESTION = "Joindre le rapport du pneumologue."
REASONS = "Aucun essai d'un corticostéroïde inhalé."


def look_up(client, nam: str = NAM_TREMBLAY, drug: str = "", language: str = "fr"):
    form, results = (url.replace("/fr/", f"/{language}/") for url in (FORM, RESULTS))
    response = client.post(form, {"nam": nam, "drug": drug})
    assert response.status_code == 302
    assert response["Location"] == results
    return client.get(results)


def sent_dates(response) -> list[str]:
    return re.findall(r"<td>(\d{1,2}(?:er)? \w+ \d{4})</td>", main(response))


@pytest.mark.django_db
def test_requests_valid_or_sent_in_12_months_across_a_daylight_saving_change(pharmacist, prescriber):
    now = local(2026, 3, 8, 12)  # daylight time since 2:00 this morning
    first_in, last_out = local(2025, 3, 8), local(2025, 3, 7, 23, 59, 59)  # standard time then
    assert first_in.utcoffset() != now.utcoffset()
    sent_at(first_in, prescriber, dosage="in")
    sent_at(last_out, prescriber, dosage="out")
    still_valid = accept(
        sent_at(local(2024, 2, 1, 9), prescriber),
        start=dt.date(2024, 3, 8),
        end=dt.date(2026, 3, 8),  # valid through today
        quantity="2 stylos par mois",
    )
    ended = accept(
        sent_at(local(2024, 2, 2, 9), prescriber),
        start=dt.date(2024, 3, 7),
        end=dt.date(2026, 3, 7),  # ended yesterday
        quantity="ended",
    )
    refuse(sent_at(local(2024, 2, 3, 9), prescriber), REASONS)
    with time_machine.travel(now, tick=False):
        response = look_up(client_for(pharmacist))
    assert sent_dates(response) == ["8 mars 2025", "1er février 2024"]
    html = main(response)
    assert "2 stylos par mois" in html
    assert "du 8 mars 2024 au 8 mars 2026" in html
    assert "ended" not in html
    assert str(still_valid.number) in html  # the number to quote when calling the Régie
    assert ended.pk  # created, and not shown


@pytest.mark.django_db
def test_any_prescriber_and_only_the_status_fields(pharmacist, prescriber, other_prescriber):
    sent_at(days_ago(3), prescriber, clinical_notes=CLINICAL, dosage="5 mg deux fois par jour")
    ask_information(sent_at(days_ago(4), other_prescriber), QUESTION)
    refuse(sent_at(days_ago(5), other_prescriber), REASONS)
    accept(
        sent_at(days_ago(6), prescriber),
        start=dt.date(2026, 1, 1),
        end=dt.date(2030, 12, 31),
        quantity="1 inhalateur par mois",
    )
    response = look_up(client_for(pharmacist))
    html = main(response)
    for name in (prescriber.get_full_name(), other_prescriber.get_full_name()):
        assert name in html
    assert len(sent_dates(response)) == 4
    for secret in (CLINICAL, QUESTION, REASONS, "5 mg deux fois par jour", "1985"):
        assert secret not in html, secret
    # The name on file, once, beside the NAM: for the pharmacist to confirm the person at the counter.
    assert html.count("Julie Tremblay") == 1
    assert "1 inhalateur par mois" in html

    # The context: only StatusLine rows, each with the status fields and nothing else, no model object.
    values = list(_walk(response.context))
    assert any(isinstance(v, StatusLine) for v in values)  # the walk reaches the lines
    leaked = [v for v in values if isinstance(v, models.Model) and v._meta.app_label == "authorizations"]
    assert not leaked
    lines = response.context["result"].lines
    assert len(lines) == 4
    assert all(type(line) is StatusLine for line in lines)
    assert {f.name for f in dataclasses.fields(StatusLine)} == {
        "number",
        "drug",
        "status",
        "status_label",
        "sent_on",
        "authorized_start",
        "authorized_end",
        "authorized_quantity",
        "prescriber_name",
        "written_in",  # the prescriber's language, for the lang attribute of the quantity in their words
    }
    flat = repr([dataclasses.asdict(line) for line in lines])
    for secret in (CLINICAL, QUESTION, REASONS, "5 mg deux fois par jour", "Tremblay"):
        assert secret not in flat


def _walk(context: Any) -> Iterator[Any]:
    """Every value the templates were given, through dicts, lists and dataclasses."""
    seen: set[int] = set()

    def walk(value: Any) -> Iterator[Any]:
        if id(value) in seen:
            return
        seen.add(id(value))
        yield value
        if isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                yield from walk(getattr(value, field.name))

    for rendered in context:  # one Context per template rendered (page, includes)
        for layer in rendered.dicts:
            yield from walk(dict(layer))


@pytest.mark.django_db
def test_each_look_up_writes_one_audit_event(pharmacist, prescriber):
    sent_at(days_ago(3), prescriber)
    look_up(client_for(pharmacist))
    event = AuditEvent.objects.get(action="insured.searched")
    assert (event.actor, event.actor_role, event.result_count) == (pharmacist, "pharmacist", 1)
    assert event.details["service"] == "status_lookup"
    assert event.nam_masked == "TREM ···· ··12"


@pytest.mark.django_db
def test_an_empty_result_says_so(pharmacist):
    response = look_up(client_for(pharmacist), nam="GAGL 7012 1088")
    assert "Aucune demande valide aujourd'hui ou transmise au cours des 12 derniers mois" in main(response)
