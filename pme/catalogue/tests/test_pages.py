"""The public pages, through HTTP, in both languages."""

from __future__ import annotations

import pytest
from django.test import Client

from pme.catalogue.demo import load_seed_catalogue
from pme.catalogue.models import Drug


@pytest.fixture
def catalogue(db):
    load_seed_catalogue()


def test_list_shows_exception_drugs_in_french(catalogue, client: Client):
    response = client.get("/fr/catalogue/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Médicaments d'exception</h1>" in html
    assert "sémaglutide" in html
    assert "40 médicaments trouvés" in html  # 42 minus the two now on the regular list


def test_search_without_javascript(catalogue, client: Client):
    response = client.get("/en/catalogue/", {"q": "dupixent"})
    html = response.content.decode()
    assert "1 drug found" in html
    drug = Drug.objects.get(key="dupilumab")
    assert f'href="/en/catalogue/{drug.pk}/"' in html


def test_filters(catalogue, client: Client):
    html = client.get("/en/catalogue/", {"codified": "yes"}).content.decode()
    assert "fidaxomicin" in html
    assert "dupilumab" not in html
    html = client.get("/en/catalogue/", {"system": "OP"}).content.decode()
    assert "aflibercept" in html
    assert "fidaxomicin" not in html


def test_a_bad_filter_value_is_a_400_with_an_error_summary(catalogue, client: Client):
    response = client.get("/en/catalogue/", {"system": "XX"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Asthme grave nécessitant des corticostéroïdes systémiques", "jusqu’à 12 mois", "Oui"]),
        ("en", ["Severe asthma needing systemic corticosteroids", "up to 12 months", "≥ 6 ans / years"]),
    ],
)
def test_drug_page_shows_indications_durations_and_criteria(catalogue, client: Client, language, expected):
    drug = Drug.objects.get(key="dupilumab")
    html = client.get(f"/{language}/catalogue/{drug.pk}/").content.decode()
    for text in expected:
        assert text in html, text


def test_codes_and_withdrawals_on_the_drug_page(catalogue, client: Client):
    drug = Drug.objects.get(key="fidaxomicin")
    html = client.get(f"/en/catalogue/{drug.pk}/").content.decode()
    assert "AI582" in html
    assert "20 tablets of 200 mg per episode" in html
    edoxaban = Drug.objects.get(key="edoxaban")
    html = client.get(f"/en/catalogue/{edoxaban.pk}/").content.decode()
    assert "No recognized indication is in force for this drug today." in html


def test_suggestions_json(catalogue, client: Client):
    data = client.get("/en/catalogue/suggestions/", {"q": "ozem"}).json()
    assert data["results"][0]["label"] == "semaglutide"
    assert data["results"][0]["brand"] == "Ozempic"
    assert client.get("/en/catalogue/suggestions/", {"q": "o"}).json() == {"results": []}


def test_the_page_has_no_inline_script(catalogue, client: Client):
    html = client.get("/fr/catalogue/").content.decode()
    assert "<script>" not in html
    assert 'src="/static/js/catalogue-search.js"' in html
