"""What the pages show, as a reader sees it: lateness in days and hours, numbers and dates in the page's
language, charts whose labels fit, a confirmation before removing an assistant, error messages that name
their field, and the whole text of an indication before choosing it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from pme.accounts.models import Delegation
from pme.catalogue.models import Indication
from pme.review.charts import bar_chart
from pme.review.templatetags.review import days_and_hours
from tests.personas import client_for
from tests.test_demo_walk import small_demo


@pytest.mark.parametrize(
    ("hours", "fr", "en"),
    [
        (5, "5 heures", "5 hours"),
        (1, "1 heure", "1 hour"),
        (24, "1 jour", "1 day"),
        (99, "4 jours et 3 heures", "4 days and 3 hours"),
        (49, "2 jours et 1 heure", "2 days and 1 hour"),
    ],
)
def test_lateness_is_written_in_days_and_hours(hours, fr, en):
    with translation.override("fr"):
        assert days_and_hours(hours) == fr
    with translation.override("en"):
        assert days_and_hours(hours) == en


def test_the_month_labels_of_a_chart_fit_inside_the_picture():
    labels = [f"{month} 2026" for month in ("septembre", "octobre", "novembre", "décembre")] * 3
    svg = str(
        bar_chart(chart_id="c", title="t", description="d", labels=labels, series=[("Reçues", [3] * 12)])
    )
    height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))  # type: ignore[union-attr]
    longest = max(len(label) for label in labels) * 6.4
    anchors = [
        (float(x), float(y))
        for x, y in re.findall(
            r'<text class="axis" x="([\d.]+)" y="([\d.]+)" text-anchor="end" transform', svg
        )
    ]
    assert len(anchors) == 12
    for x, y in anchors:  # the slanted label's far end stays inside the viewBox
        assert x - longest * 0.766 >= 0  # cos 40°
        assert y + longest * 0.643 <= height  # sin 40°


@pytest.mark.django_db
def test_reviewer_pages_write_lateness_numbers_and_headings_in_french(monkeypatch, settings):
    small_demo(monkeypatch, settings)
    from pme.accounts.models import User

    client = client_for(User.objects.get(username="CE100001"))
    queue = client.get("/fr/review/").content.decode()
    assert re.search(r"En retard</strong> — \d+ jours?( et \d+ heures?)? de dépassement", queue)
    metrics = client.get("/fr/review/metrics/").content.decode()
    assert re.search(r"\d+,\d / \d+,\d", metrics)  # mean / median hours with a decimal comma
    assert not re.search(r"\d\.\d{3}\b", metrics)  # never "149.000"
    headings = re.findall(r'<th scope="col">([^<]+)</th>', metrics)
    assert {"Reçues", "Décidées", "Acceptées", "Refusées", "Automatiques"} <= set(headings)
    assert "Acceptée<" not in metrics  # the status word (singular) is not a column heading


@pytest.mark.django_db
def test_removing_an_assistant_asks_for_a_confirmation_first(prescriber, collaborator):
    link = Delegation.objects.get(prescriber=prescriber, collaborator=collaborator)
    client = client_for(prescriber)
    url = reverse("accounts:delegation_remove", args=[link.pk])
    page = client.get(reverse("accounts:collaborators")).content.decode()
    assert f'href="{url}"' in page  # a link to the confirmation, not a removal button
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert '<form method="post"' in confirmation.content.decode()
    link.refresh_from_db()
    assert link.removed_at is None  # nothing removed by looking
    assert client.post(url).status_code == 302
    link.refresh_from_db()
    assert link.removed_at is not None


@pytest.mark.django_db
def test_a_missing_answer_names_its_field(prescriber):
    client = client_for(prescriber)
    page = client.post("/fr/accounts/assistants/add/", {}).content.decode()
    assert "Ce champ est obligatoire." not in page  # Django's generic message, which names nothing
    assert re.search(r'class="error-message"[^>]*>.*?Remplissez « [^»]+ »\.', page, re.DOTALL)
    # A form's own wording stays as it is (the NAM field says what to enter).
    page = client.post("/fr/consultation/", {"nam": "", "drug": ""}).content.decode()
    assert "Entrez le numéro d&#x27;assurance maladie." in page


@pytest.mark.django_db
def test_the_whole_indication_text_is_there_before_choosing(prescriber):
    from pme.catalogue.demo import load_seed_catalogue

    load_seed_catalogue()
    long = next(
        i
        for i in Indication.objects.filter(effective_to=None).select_related("drug")
        if len(i.text_fr.split()) > 40
    )
    page = client_for(prescriber).get(f"/fr/requests/new/?drug={long.drug_id}").content.decode()
    assert '<details class="more">' in page
    assert long.text_fr.replace("'", "&#x27;") in page
