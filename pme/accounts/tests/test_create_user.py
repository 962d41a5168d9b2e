from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from pme.accounts.models import User
from pme.audit.models import AuditEvent

GOOD = "a-long-enough-passphrase-2026"


def run(*args: str) -> None:
    call_command("create_user", *args)


@pytest.mark.django_db
def test_creates_a_reviewer_and_records_it():
    run("--role", "reviewer", "--username", "CE300001", "--email", "r@regie.example", "--password", GOOD)
    user = User.objects.get(username="CE300001")
    assert user.role == "reviewer"
    assert user.check_password(GOOD)
    event = AuditEvent.objects.get(action="user.created")
    assert event.object_id == str(user.pk)
    assert event.actor is None  # created by an operator on the command line


@pytest.mark.django_db
def test_creates_a_prescriber_with_profile():
    run(
        "--role",
        "prescriber",
        "--username",
        "dr.x",
        "--email",
        "x@example.org",
        "--password",
        GOOD,
        "--profession",
        "specialist",
        "--professional-number",
        "1234567",
        "--language",
        "en",
    )
    user = User.objects.get(username="dr.x")
    assert user.prescriber_profile.professional_number == "1234567"
    assert user.language == "en"


@pytest.mark.django_db
def test_rejects_an_unknown_role():
    with pytest.raises(CommandError, match="role: Rôle inconnu"):
        run("--role", "doctor", "--username", "x", "--email", "x@example.org", "--password", GOOD)
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["123456", "12345678", "12a4567", ""])
def test_rejects_a_bad_professional_number(number):
    with pytest.raises(
        CommandError, match="professional_number: Un numéro de professionnel compte exactement 7 chiffres"
    ):
        run(
            "--role",
            "prescriber",
            "--username",
            "dr.y",
            "--email",
            "y@example.org",
            "--password",
            GOOD,
            "--profession",
            "specialist",
            "--professional-number",
            number,
        )
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_rejects_a_weak_password():
    with pytest.raises(CommandError, match="password:"):
        run(
            "--role",
            "reviewer",
            "--username",
            "CE300002",
            "--email",
            "r@regie.example",
            "--password",
            "short",
        )


@pytest.mark.django_db
def test_rejects_a_duplicate_username(prescriber):
    with pytest.raises(CommandError, match="déjà pris"):
        run(
            "--role",
            "reviewer",
            "--username",
            prescriber.username.upper(),
            "--email",
            "r@x.example",
            "--password",
            GOOD,
        )


@pytest.mark.django_db
def test_without_password_and_without_terminal_refuses():
    with pytest.raises(CommandError, match="--password is required"):
        run("--role", "reviewer", "--username", "CE300003", "--email", "r@regie.example")
