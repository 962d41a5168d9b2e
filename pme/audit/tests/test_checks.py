"""Production refuses to start without the audit chain's key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from pme.audit.checks import CHAIN_KEY_CHECK_ID, check_chain_key

ROOT = Path(__file__).resolve().parents[3]


def test_debug_runs_with_the_development_key(settings):
    settings.DEBUG = True
    assert check_chain_key() == []


def test_production_without_a_key_is_refused(settings):
    settings.DEBUG = False
    settings.AUDIT_CHAIN_KEY = ""
    assert [message.id for message in check_chain_key()] == [CHAIN_KEY_CHECK_ID]
    settings.AUDIT_CHAIN_KEY = "short"
    assert [message.id for message in check_chain_key()] == [CHAIN_KEY_CHECK_ID]
    settings.AUDIT_CHAIN_KEY = settings.SECRET_KEY = "s" * 64
    assert [message.id for message in check_chain_key()] == [CHAIN_KEY_CHECK_ID]
    settings.AUDIT_CHAIN_KEY = "k" * 48
    assert check_chain_key() == []


def test_the_web_application_does_not_start_without_the_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "PME_AUDIT_CHAIN_KEY"))}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="pme.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        PME_VAR_DIR=str(tmp_path),
    )
    code = "import config.wsgi; print('started')"
    refused = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "PME_AUDIT_CHAIN_KEY is not set" in refused.stderr
    env["PME_AUDIT_CHAIN_KEY"] = secrets.token_urlsafe(48)
    started = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert started.stdout.strip() == "started", started.stderr
