"""Password rules (issue 14, finding 6): length by second factor, a shipped blocklist, repetitions and
sequences, context words; each refusal explained in the person's language, on pages in both languages."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts.models import Role, User
from pme.accounts.passwords import pattern_free_length
from pme.accounts.tests.factories import UserFactory
from tests.personas import client_for


def refusals(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [str(error.code) for error in exc.error_list]
    return []


@pytest.fixture
def julie(db) -> User:
    """A nurse practitioner without a second factor, as in the outside review."""
    return UserFactory.create(
        username="ips.lavoie", first_name="Julie", last_name="Lavoie", email="julie.lavoie@clinique.example"
    )


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("mot-de-passe!", ["password_too_short"]),  # 13 characters: accepted before
        ("quatorze-signe", ["password_too_short"]),  # 14
        ("aaaaaaaaaaaaaaa", ["password_in_blocklist", "password_pattern"]),
        ("123456789012345", ["password_in_blocklist", "password_pattern"]),
        ("ramqramqramqramq", ["password_pattern", "password_context_word"]),
        ("medicamentexception", ["password_context_word"]),
        ("julielavoie2026", ["password_context_word"]),
        ("M3dic4ment-R4MQ-2026", ["password_context_word"]),  # through letter-for-digit swaps
        ("azertyuiopqsdfghjklm", ["password_in_blocklist", "password_pattern"]),
        ("jetaimemonamour", ["password_in_blocklist"]),  # a French one, from the shipped list
        ("motdepasse123456", ["password_in_blocklist", "password_context_word"]),
        ("x" * 129, ["password_too_long", "password_pattern"]),
    ],
)
@pytest.mark.django_db
def test_the_reviews_passwords_are_refused_for_the_right_reasons(julie, password, codes):
    assert refusals(password, julie) == codes


@pytest.mark.parametrize(
    "password",
    [
        "une longue phrase de passe à moi",
        "cheval agrafe batterie correcte",
        "Érable-Hiver-Rivière-42",
        "我的密码是一首关于山川河流的诗",  # any character
        "x9#Lk2!qPz7@Vm4$Rt8&Wn",
    ],
)
@pytest.mark.django_db
def test_long_unpredictable_passwords_pass_with_no_composition_rule(julie, password):
    assert refusals(password, julie) == []


@pytest.mark.django_db
def test_twelve_characters_are_enough_with_a_second_factor(julie):
    twelve = "vélo+lune:87"
    assert refusals(twelve, julie) == ["password_too_short"]
    TOTPDevice.objects.create(user=julie, name="phone", confirmed=True)
    assert refusals(twelve, julie) == []
    staff = UserFactory.create(username="CE300009", role=Role.REVIEWER)  # staff always have one
    assert refusals(twelve, staff) == []


def test_patterns_count_for_nothing():
    assert pattern_free_length("aaaaaaaaaaaaaaa") == 1
    assert pattern_free_length("123456789012345") == 2
    assert pattern_free_length("ramqramqramqramq") == 4
    assert pattern_free_length("qwertyuiop") == 2
    assert pattern_free_length("une longue phrase") >= 15


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Ce mot de passe figure dans des listes de mots de passe courants ou divulgués"),
        ("en", "This password is in lists of common or leaked passwords"),
    ],
)
def test_each_refusal_is_explained_in_the_language_of_the_page(julie, language, expected):
    client = client_for(julie)
    response = client.post(
        f"/{language}/accounts/password/",
        {
            "current_password": "correct-horse-battery-staple-42",
            "new_password1": "123456789012345",
            "new_password2": "123456789012345",
        },
    )
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.django_db
def test_the_rules_are_shown_in_the_language_of_the_page(julie):
    """The help text used to be built once, at import time, in French."""
    client = client_for(julie)
    english = client.get("/en/accounts/password/").content.decode()
    french = client.get("/fr/accounts/password/").content.decode()
    assert "At least 15 characters (12 if you use a second factor)" in english
    assert "Au moins 15 caractères (12 si vous utilisez un deuxième facteur)" in french
    assert "Au moins" not in english
