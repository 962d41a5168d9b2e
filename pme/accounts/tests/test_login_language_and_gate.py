"""After login, the user's own language (issue 15); the gate knows the second-factor state from the
session, without a query per request (issue 16); account views write no audit event themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.personas import client_for

PASSWORD = "correct-horse-battery-staple-42"
ACCOUNTS = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_an_english_speaking_user_logging_in_from_fr_lands_in_english(other_prescriber):
    assert other_prescriber.language == "en"
    client = Client()
    response = client.post(
        "/fr/accounts/login/", {"username": other_prescriber.username, "password": PASSWORD}
    )
    assert response["Location"] == "/en/"
    assert client.cookies["django_language"].value == "en"
    page = client.get("/en/")
    assert page.status_code == 200
    assert '<html lang="en"' in page.content.decode()


@pytest.mark.django_db
def test_the_page_asked_for_is_kept_in_the_users_language(other_prescriber):
    response = Client().post(
        "/fr/accounts/login/?next=/fr/accounts/security/",
        {"username": other_prescriber.username, "password": PASSWORD, "next": "/fr/accounts/security/"},
    )
    assert response["Location"] == "/en/accounts/security/"


def queries_for(client: Client, path: str) -> list[str]:
    client.get(path)  # warm: the session learns what it needs once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["prescriber", "reviewer"])
def test_the_gate_asks_the_database_nothing_about_the_second_factor(request, persona):
    client = client_for(request.getfixturevalue(persona))
    sql = queries_for(client, "/fr/help/")
    assert not [q for q in sql if "otp_" in q], sql
    assert len(sql) == 2, sql  # the session and the user, nothing more


def test_account_views_and_middleware_write_no_audit_event_themselves():
    """Sign-in and account-security events are written by pme/accounts/services/ (and reads.py)."""
    offenders = [
        str(path.relative_to(ACCOUNTS))
        for path in [*sorted((ACCOUNTS / "views").glob("*.py")), ACCOUNTS / "middleware.py"]
        if "record(" in path.read_text()
    ]
    assert offenders == []
