"""The site shell: languages, home, help, login/logout, health check, error pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from pme.portal.help import all_sections

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_root_redirects_to_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


@pytest.mark.django_db
def test_root_follows_the_browser_language(client):
    response = client.get("/", headers={"accept-language": "en-CA,en;q=0.9"})
    assert response["Location"] == "/en/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "switch"),
    [
        ("fr", "Patient et médicaments d'exception", 'href="/en/" lang="en"'),
        ("en", "Exceptional patient and drugs", 'href="/fr/" lang="fr"'),
    ],
)
def test_home_in_each_language(client, language, title, switch):
    response = client.get(f"/{language}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert title in html.replace("&#x27;", "'")
    assert switch in html


@pytest.mark.django_db
def test_language_switch_keeps_the_page_and_query(client):
    response = client.get("/fr/help/contact/?from=menu")
    assert 'href="/en/help/contact/?from=menu"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("slug", [s.slug for s in all_sections()])
def test_every_help_section_exists_in_both_languages(client, language, slug):
    with translation.override(language):
        url = reverse("portal:help_section", args=[slug])
    response = client.get(url)
    assert response.status_code == 200
    assert list(ROOT.glob(f"pme/*/templates/help/{language}/{slug}.html")), f"no {language} page for {slug}"


@pytest.mark.django_db
def test_contact_page_lists_the_assistance_numbers(client):
    html = client.get("/fr/help/contact/").content.decode()
    for number in ("418 643-8210", "514 873-3480", "1 800 463-4776", "sel.professionnels@ramq.gouv.qc.ca"):
        assert number in html


@pytest.mark.django_db
def test_unknown_help_section_is_404_in_the_users_language(client):
    response = client.get("/fr/help/nope/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_login_and_logout(client, prescriber, password):
    response = client.post("/fr/accounts/login/", {"username": prescriber.username, "password": password})
    assert response.status_code == 302
    home = client.get("/fr/")
    assert "Vous êtes connecté à titre de : Prescripteur." in home.content.decode()
    response = client.post("/fr/accounts/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_message(client, prescriber):
    response = client.post("/en/accounts/login/", {"username": prescriber.username, "password": "wrong"})
    assert response.status_code == 200
    assert "The username or the password is wrong" in response.content.decode()


@pytest.mark.django_db
def test_logout_refuses_get(client, prescriber):
    client.force_login(prescriber)
    assert client.get("/fr/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_healthz_answers_with_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "audit": "ok"}


def test_healthz_is_503_when_the_database_is_down():
    """A real unreachable PostgreSQL (nothing listens on port 9), in a fresh interpreter."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "ALLOWED_HOSTS": "testserver",
    }
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.startswith("503 "), result.stderr
    assert '"database": "down"' in result.stdout


@pytest.mark.django_db
def test_security_headers_are_set(client):
    response = client.get("/fr/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_pages_load_no_third_party_asset(client):
    html = client.get("/fr/").content.decode()
    for marker in ("http://", "https://", "//cdn", "googleapis"):
        for attribute in ("src=", "href="):
            assert f'{attribute}"{marker}' not in html
