"""A visitor reads the home page in French, switches to English, logs in and out; with and without
JavaScript; every page visited passes an axe-core scan with no serious or critical violation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible


@pytest.fixture
def demo_prescriber(transactional_db, password):
    from pme.accounts.tests.factories import PrescriberProfileFactory

    return PrescriberProfileFactory(
        user__username="dre.tremblay", user__first_name="Marie", user__last_name="Tremblay"
    ).user


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_visitor_switches_language_logs_in_and_out(request, live_server, demo_prescriber, password, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/fr/")
    assert page.locator("h1").inner_text() == "Patient et médicaments d'exception"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")
    assert page.locator("h1").inner_text() == "Exceptional patient and drugs"
    assert_accessible(page)

    page.get_by_role("link", name="Log in").first.click()
    assert "/en/accounts/login/" in page.url
    assert_accessible(page)
    page.get_by_label("Username").fill(demo_prescriber.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    assert "The username or the password is wrong" in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # A login lands in the user's own language: this prescriber's is French.
    assert page.url.endswith("/fr/")
    assert "Vous êtes connecté à titre de : Prescripteur." in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")
    assert "You are logged in as: Prescriber." in page.locator("main").inner_text()

    page.get_by_role("button", name="Log out").click()
    assert page.locator("h1").inner_text() == "You are logged out"
    assert_accessible(page)


def test_help_pages_are_accessible_in_both_languages(page, live_server):
    for language in ("fr", "en"):
        page.goto(f"{live_server.url}/{language}/help/")
        assert_accessible(page)
        page.locator("main .card a").first.click()
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page)
    page.goto(f"{live_server.url}/fr/help/contact/")
    assert page.get_by_role("table").is_visible()
    assert_accessible(page)


def test_keyboard_user_can_skip_to_content(page, live_server):
    page.goto(f"{live_server.url}/fr/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Passer au contenu principal")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_the_accessibility_scan_catches_a_broken_page(page, live_server):
    """The axe gate can fail: an image without text and a field without label are reported."""
    from tests.browser.conftest import axe_violations

    page.set_content('<html lang="fr"><body><img src="x.png"><input type="text"></body></html>')
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids
