"""E-mails of the accounts app, always in the recipient's language, sent from tasks (never in a request)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def site_url(route: str, *args: object, language: str) -> str:
    """Absolute link to a page, in `language`, built from PME_SITE_URL (never from a request's Host)."""
    with translation.override(language):
        path = reverse(route, args=args)
    return settings.PME_SITE_URL.rstrip("/") + path


def send(
    template: str,
    *,
    to: str,
    language: str,
    context: dict[str, object],
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Renders accounts/email/<template>_subject.txt and <template>.txt in `language` and sends them."""
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[to])
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()
