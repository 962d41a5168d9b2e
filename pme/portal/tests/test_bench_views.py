"""The benchmarks' fixed page exists only when PME_BENCH_VIEWS is set."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches

import config.urls


@pytest.fixture
def reload_urls() -> Iterator[None]:
    yield
    importlib.reload(config.urls)
    clear_url_caches()


def _reload() -> None:
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_minimal_page_does_not_exist_without_the_flag(client: Client, reload_urls: None) -> None:
    with override_settings(PME_BENCH_VIEWS=False):
        _reload()
        assert client.get("/bench/minimal").status_code == 404


@pytest.mark.django_db
def test_minimal_page_answers_with_the_flag(client: Client, reload_urls: None) -> None:
    with override_settings(PME_BENCH_VIEWS=True):
        _reload()
        response = client.get("/bench/minimal")
        assert response.status_code == 200
        assert b"Fixed page for the benchmarks" in response.content
        assert client.post("/bench/minimal").status_code == 405


@pytest.mark.django_db
def test_logged_in_page_is_behind_login_and_the_second_factor(
    reload_urls: None, prescriber, reviewer
) -> None:
    from tests.personas import client_for

    with override_settings(PME_BENCH_VIEWS=True):
        _reload()
        anonymous = Client().get("/bench/logged-in")
        assert anonymous.status_code == 302
        assert "/login" in anonymous["Location"]
        unverified = Client()
        unverified.force_login(reviewer)  # Régie staff without their code in this session
        assert unverified.get("/bench/logged-in").status_code == 302
        for user in (prescriber, reviewer):
            response = client_for(user).get("/bench/logged-in")
            assert response.status_code == 200
            assert b"Fixed page for the benchmarks" in response.content


@pytest.mark.django_db
def test_api_ceiling_answers_only_with_a_valid_token(reload_urls: None, prescriber) -> None:
    import datetime as dt

    from django.utils import timezone

    from pme.accounts.services.api_tokens import issue_api_token

    _token, secret = issue_api_token(
        prescriber, name="bench", expires_at=timezone.now() + dt.timedelta(days=1), actor=prescriber
    )
    with override_settings(PME_BENCH_VIEWS=True):
        _reload()
        client = Client()
        assert client.get("/bench/api/minimal").status_code == 401
        assert client.get("/bench/api/minimal", headers={"Authorization": "Bearer nope"}).status_code == 401
        response = client.get("/bench/api/minimal", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200
        assert response.json() == {"ok": True}
    with override_settings(PME_BENCH_VIEWS=False):
        _reload()
        assert (
            client.get("/bench/api/minimal", headers={"Authorization": f"Bearer {secret}"}).status_code == 404
        )
