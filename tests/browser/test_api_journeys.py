"""The API's two pages in real Chromium: a prescriber creates and revokes a personal API token (JavaScript
on and off, axe-core scan), and the API documentation renders Swagger UI from our own files under the
real Content-Security-Policy (no CDN, no violation)."""

from __future__ import annotations

import pytest

from pme.accounts.models import ApiToken
from tests.browser.conftest import _new_page, assert_accessible


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_prescriber_creates_then_revokes_a_token(chromium, live_server, prescriber, password, js):
    page = _new_page(chromium, javascript=js)
    try:
        page.goto(f"{live_server.url}/fr/accounts/login/")
        page.get_by_label("Nom d'utilisateur").fill(prescriber.username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.goto(f"{live_server.url}/fr/accounts/security/")
        page.get_by_role("link", name="Gérer vos jetons d'API").click()
        assert_accessible(page)
        page.get_by_label("Nom du jeton").fill("Dossier de la clinique")
        page.get_by_role("button", name="Créer le jeton").click()
        secret = page.locator("#new-token").inner_text()
        assert secret.startswith("pme_")
        assert_accessible(page)
        page.get_by_role("button", name="Révoquer Dossier de la clinique").click()
        assert page.get_by_text("Le jeton Dossier de la clinique est révoqué.").is_visible()
        assert ApiToken.objects.get().revoked_at is not None
    finally:
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_api_docs_render_under_our_csp(chromium, live_server):
    context = chromium.new_context(locale="en-CA")  # CSP enforced (no bypass)
    page = context.new_page()
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    try:
        page.goto(f"{live_server.url}/api/v1/docs")
        page.wait_for_selector(".swagger-ui .info .title")
        assert "PME API" in page.locator(".swagger-ui .info .title").inner_text()
        assert page.locator(".opblock").count() >= 10
        assert [u for u in outside if not u.startswith("data:")] == []
        assert problems == []
    finally:
        context.close()
