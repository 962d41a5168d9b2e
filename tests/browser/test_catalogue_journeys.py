"""A visitor (no login) finds Dupixent on the public list, opens the drug and reads its indication, in
French then in English; with JavaScript (suggestions as you type) and without (the search form)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible


@pytest.fixture
def catalogue(transactional_db):
    from pme.catalogue.demo import load_seed_catalogue

    load_seed_catalogue()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_visitor_finds_dupixent_and_reads_its_indication(request, live_server, catalogue, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    page.goto(f"{live_server.url}/fr/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Médicaments d'exception", exact=True
    ).click()
    page.wait_for_url("**/fr/catalogue/")
    assert page.locator("h1").inner_text() == "Médicaments d'exception"
    assert_accessible(page)

    search = page.get_by_label("Chercher un médicament")
    if js:
        search.press_sequentially("dupixent", delay=20)
        suggestion = page.locator("#drug-suggestions").get_by_role("link", name="dupilumab (Dupixent)")
        suggestion.wait_for()
        assert page.locator(".search-field [role=status]").inner_text() == (
            "Suggestions : 1. Utilisez la flèche vers le bas pour les atteindre."
        )
        assert_accessible(page)
        search.press("ArrowDown")
        assert suggestion.evaluate("el => el === document.activeElement")
        page.keyboard.press("Enter")
    else:
        search.fill("dupixent")
        page.get_by_role("button", name="Rechercher").click()
        assert "1 médicament trouvé" in page.locator("main").inner_text()
        assert_accessible(page)
        page.get_by_role("link", name="dupilumab").click()

    page.wait_for_url("**/fr/catalogue/*/")
    assert page.locator("h1").inner_text() == "dupilumab (Dupixent)"
    indication = page.get_by_role("heading", name="Asthme grave nécessitant des corticostéroïdes systémiques")
    assert indication.is_visible()
    assert "jusqu’à 12 mois" in page.locator("main").inner_text()
    assert page.get_by_role(
        "table", name="Critères : Asthme grave nécessitant des corticostéroïdes systémiques"
    ).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Severe asthma needing systemic corticosteroids").is_visible()
    assert "up to 12 months" in page.locator("main").inner_text()
    assert_accessible(page)


def test_filters_work_without_javascript(page_nojs, live_server, catalogue):
    page = page_nojs
    page.goto(f"{live_server.url}/en/catalogue/")
    page.get_by_label("Therapeutic system").select_option("OP")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 2  # aflibercept, ranibizumab
    assert "system=OP" in page.url
    assert_accessible(page)
