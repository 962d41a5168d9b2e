"""The static files' storage in production: whitenoise's compressed, hashed files, with each file's
address remembered. The manifest is read once when the process starts, so an address cannot change
while it runs; looking it up and joining it to STATIC_URL again on every `{% static %}` is wasted work
(four to six per page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None or settings.DEBUG:  # DEBUG: the names as they are, never remembered
            return super().url(name, force)
        found = self._addresses.get(name)
        if found is None:
            found = self._addresses[name] = super().url(name)
        return found
