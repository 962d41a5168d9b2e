"""On a 375 px phone, no page scrolls sideways: every main page of every role, from the demo data, has
`document.documentElement.scrollWidth` no wider than the screen (wide tables scroll inside their own box).
The compact menu (details/summary) replaces the menu bar and opens without JavaScript."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts.models import User
from pme.authorizations.models import AuthorizationRequest
from pme.portal.demo import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM
from tests.test_demo_walk import JULIE_NAM, small_demo

WIDTH = 375
ROLES = ("dre.tremblay", "adjointe.roy", "pharm.bouchard", "CE100001", "CE100003", "CE100004")


@pytest.fixture
def demo_world(transactional_db, monkeypatch, settings):
    # A transactional test empties every table after it, the refusal reasons a migration wrote included.
    from django.apps import apps

    import_module("pme.review.migrations.0002_initial_refusal_reasons").create(apps, None)
    small_demo(monkeypatch, settings)


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/fr/accounts/login/")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    user = User.objects.get(username=username)
    if user.is_regie_staff:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Continuer").click()


def overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def main_pages(page: Any, base: str, username: str) -> list[str]:
    """The menu's pages, and the pages one click further that each role works on."""
    links = page.locator(".menu-compact a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    pages = [f"{base}{href}" for href in links]
    user = User.objects.get(username=username)
    if user.role in ("prescriber", "collaborator"):
        mine = AuthorizationRequest.objects.filter(prescriber__username="dre.tremblay").exclude(number=None)
        pages += [f"{base}/fr/requests/{r.pk}/" for r in mine.order_by("-submitted_at")[:2]]
    if user.role == "reviewer":
        open_request = AuthorizationRequest.objects.exclude(number=None).order_by("-submitted_at").first()
        assert open_request is not None
        pages.append(f"{base}/fr/review/{open_request.pk}/")
    return pages


@pytest.mark.parametrize("username", ROLES)
def test_main_pages_fit_a_375_px_screen(chromium, live_server, demo_world, username):
    context = chromium.new_context(viewport={"width": WIDTH, "height": 800}, locale="fr-CA")
    page = context.new_page()
    base = live_server.url
    log_in(page, base, username)
    wide: dict[str, int] = {}
    visited = 0
    for url in main_pages(page, base, username):
        page.goto(url)
        visited += 1
        if overflow(page) > 0:
            wide[url] = overflow(page)
    if username in ("dre.tremblay", "adjointe.roy", "pharm.bouchard"):  # the look-up and its results
        page.goto(f"{base}/fr/consultation/{'status/' if username == 'pharm.bouchard' else ''}")
        page.get_by_label("Numéro d'assurance maladie").fill(JULIE_NAM)
        page.locator("main form button[type=submit]").first.click()
        visited += 1
        if overflow(page) > 0:
            wide[page.url] = overflow(page)
    context.close()
    assert visited >= 4
    assert not wide, f"pages wider than {WIDTH} px (by how many pixels): {wide}"


def test_the_compact_menu_opens_without_javascript(chromium, live_server, demo_world):
    assert CHROMIUM
    context = chromium.new_context(viewport={"width": WIDTH, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, "dre.tremblay")
    assert not page.locator(".menu-wide").is_visible()
    menu = page.locator(".menu-compact")
    assert menu.is_visible()
    assert not menu.get_by_role("link", name="Mes demandes").is_visible()
    menu.locator("summary").click()
    menu.get_by_role("link", name="Mes demandes").click()
    assert "/fr/requests/" in page.url
    assert overflow(page) <= 0
    context.close()


def test_the_menu_bar_stays_on_a_computer_screen(chromium, live_server, demo_world):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, live_server.url, "dre.tremblay")
    assert page.locator(".menu-wide").get_by_role("link", name="Mes demandes").is_visible()
    assert not page.locator(".menu-compact").is_visible()
    context.close()
