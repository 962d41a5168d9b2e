"""E-mails of the review, written by the notifier (pme.notices) when it sends them: in the recipient's
language, with the request number and a link, never health information (no name, no NAM, no drug): the
details are behind the login."""

from __future__ import annotations

from django.template.loader import render_to_string

from pme.accounts.mail import site_url
from pme.notices.models import Notice
from pme.notices.registry import Message
from pme.review.models import Decision


def render_decision_notice(notice: Notice) -> Message | None:
    decision = (
        Decision.objects.select_related("auth_request").filter(pk=notice.params.get("decision")).first()
    )
    if decision is None:
        return None
    context = {
        "decision": decision,
        "number": decision.auth_request.number,
        "recipient": notice.recipient,
        "link": site_url("authorizations:detail", decision.auth_request_id, language=notice.language),
    }
    template = f"review/email/{decision.kind}"
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    return Message(subject=subject, body=render_to_string(f"{template}.txt", context))
