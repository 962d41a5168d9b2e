from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

# Each language is named in itself, so a reader of the other language recognizes it.
NATIVE_NAMES = {"fr": "Français", "en": "English"}


@lru_cache(maxsize=2048)
def _translated_path(path: str, code: str) -> str:
    """The same page in the other language (a path: resolving and reversing it costs more than the rest
    of the header). Paths only, never their query strings, which may hold what a person typed."""
    return translate_url(path, code)


def navigation(request: HttpRequest) -> dict[str, object]:
    from pme.portal.navigation import menu_for

    current = get_language() or "fr"
    path, mark, query = request.get_full_path().partition("?")
    return {
        "menu": menu_for(request.user, request.path) if hasattr(request, "user") else [],
        "other_languages": [
            {
                "code": code,
                "name": name,
                "url": _translated_path(path, code) + mark + query,
            }
            for code, name in NATIVE_NAMES.items()
            if code != current
        ],
    }


@receiver(setting_changed)
def _forget_addresses(setting: str, **kwargs: Any) -> None:
    """Another URL configuration, language set or template set (tests override them): what was remembered
    no longer holds."""
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LOCALE_PATHS", "TEMPLATES"):
        from pme.portal import navigation
        from pme.portal.templatetags import chrome

        _translated_path.cache_clear()
        navigation.forget_addresses()
        chrome.forget()
