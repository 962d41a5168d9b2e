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
