"""E-mails of the accounts app, always in the recipient's language, rendered by the notices worker (never
in a request): see pme/accounts/notices.py."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from pme.notices.registry import Message


def site_url(route: str, *args: object, language: str) -> str:
    """Absolute link to a page, in `language`, built from PME_SITE_URL (never from a request's Host)."""
    with translation.override(language):
        path = reverse(route, args=args)
    return settings.PME_SITE_URL.rstrip("/") + path


def render(
    template: str,
    *,
    language: str,
    context: dict[str, object],
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> Message:
    """Renders accounts/email/<template>_subject.txt and <template>.txt in `language`."""
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
    return Message(subject=subject, body=body, attachments=list(attachments or []))
