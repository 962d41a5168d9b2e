"""Password rules after NIST SP 800-63B: long, any character, no composition rules, no context words."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PASSWORD_LENGTH = 128
CONTEXT_WORDS = ("pme", "ramq", "regie", "régie", "password", "motdepasse")


class MaximumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                _("The password can have at most %(max)d characters.") % {"max": MAX_PASSWORD_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(max)d characters; spaces and any character are allowed.") % {
            "max": MAX_PASSWORD_LENGTH
        }


class ContextWordsValidator:
    """Refuses passwords built on the service's name, the username or the person's names."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        words = list(CONTEXT_WORDS)
        if user is not None:
            words += [
                w.lower()
                for w in (
                    getattr(user, "username", ""),
                    getattr(user, "first_name", ""),
                    getattr(user, "last_name", ""),
                )
                if w and len(w) >= 3
            ]
        for word in words:
            if word in lowered and len(lowered) - len(word) < 8:
                raise ValidationError(
                    _("The password is too close to a word linked to you or to this service."),
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("Do not build it on your name, your username or the name of the service.")
