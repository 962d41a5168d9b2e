"""E-mails of the review: in the recipient's language, with the request number and a link, never health
information (no name, no NAM, no drug): the details are behind the login."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from pme.accounts.mail import site_url
from pme.accounts.models import User
from pme.review.models import Decision


def send_decision_notice(decision: Decision, recipient: User) -> None:
    language = recipient.language or "fr"
    context = {
        "decision": decision,
        "number": decision.auth_request.number,
        "recipient": recipient,
        "link": site_url("authorizations:detail", decision.auth_request_id, language=language),
    }
    template = f"review/email/{decision.kind}"
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(subject=subject, body=body, to=[recipient.email]).send()
