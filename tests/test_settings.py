"""The settings refuse bad configuration loudly instead of starting half-configured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_config, env_bool, env_int, secret_key

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess[str]:
    """Imports the real settings in a fresh interpreter with only the given environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
            "django.setup(); print('started')",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/db", "foo://bar", "not a url", "postgres://u@localhost:5432/", "sqlite"],
)
def test_bad_database_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_config(url)


@pytest.mark.parametrize(
    ("url", "engine"),
    [("sqlite:////tmp/x.sqlite3", "sqlite3"), ("postgres://pme@127.0.0.1:5432/pme", "postgresql")],
)
def test_supported_database_urls(url, engine):
    assert database_config(url)["ENGINE"].endswith(engine)


@pytest.mark.parametrize(("value", "threshold"), [(None, 5), ("2", 2), ("", None)])
def test_postgresql_binds_on_the_server_and_prepares_repeated_statements(monkeypatch, value, threshold):
    """docs/decisions/0006; empty turns preparing off (a pooler without prepared statements)."""
    if value is None:
        monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", value)
    options = database_config("postgres://pme@127.0.0.1:5432/pme")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": threshold}


def test_a_bad_prepare_threshold_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "often")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PREPARE_THRESHOLD"):
        database_config("postgres://pme@127.0.0.1:5432/pme")


def test_production_without_secret_key_does_not_start():
    result = start_django(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_bad_database_url_does_not_start():
    result = start_django(DEBUG="0", SECRET_KEY="x" * 64, DATABASE_URL="mysql://root@localhost/pme")
    assert result.returncode != 0
    assert "unsupported database" in result.stderr


def test_production_with_secret_starts():
    result = start_django(DEBUG="0", SECRET_KEY="x" * 64, ALLOWED_HOSTS="pme.example.org")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_short_production_secret_is_refused():
    with pytest.raises(ImproperlyConfigured, match="at least 50"):
        secret_key({"SECRET_KEY": "short"}, debug=False)


def test_debug_falls_back_to_a_development_key():
    assert secret_key({}, debug=True).startswith("dev-only")


@pytest.mark.parametrize("raw", ["maybe", "2", "vrai"])
def test_bad_boolean_is_refused(raw):
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("DEBUG", False, {"DEBUG": raw})


def test_bad_integer_is_refused():
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("EMAIL_PORT", 25, {"EMAIL_PORT": "twenty-five"})
