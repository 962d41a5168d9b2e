from __future__ import annotations

from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

# Each language is named in itself, so a reader of the other language recognizes it.
NATIVE_NAMES = {"fr": "Français", "en": "English"}


def navigation(request: HttpRequest) -> dict[str, object]:
    from pme.portal.navigation import menu_for

    current = get_language() or "fr"
    return {
        "menu": menu_for(request.user, request.path) if hasattr(request, "user") else [],
        "other_languages": [
            {"code": code, "name": name, "url": translate_url(request.get_full_path(), code)}
            for code, name in NATIVE_NAMES.items()
            if code != current
        ],
    }
