"""The one table of statuses and transitions of a payment authorization request.

Every status change goes through `next_status(...)`: a transition not in TRANSITIONS is refused, whatever
the path (page, API, admin). The wording of statuses is the Régie's (../shared/domain.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("request status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("request status", "Awaiting processing")
    IN_REVIEW = "in_review", pgettext_lazy("request status", "In process")
    INFORMATION_REQUESTED = "information_requested", pgettext_lazy("request status", "Clarification needed")
    ACCEPTED = "accepted", pgettext_lazy("request status", "Accepted")
    REFUSED = "refused", pgettext_lazy("request status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "Withdrawn")


# One short sentence per status, shown next to it (panorama, request pages).
STATUS_MEANING = {
    Status.DRAFT: _("Being written; not sent to the Régie."),
    Status.SUBMITTED: _("Sent to the Régie; not yet opened by a reviewer."),
    Status.IN_REVIEW: _("A Régie reviewer is assessing the request."),
    Status.INFORMATION_REQUESTED: _("The Régie needs more information from the prescriber before deciding."),
    Status.ACCEPTED: _("Payment is authorized for the period and quantity shown."),
    Status.REFUSED: _("Payment is refused for the reasons shown; a review can be asked within 6 months."),
    Status.WITHDRAWN: _("Cancelled by the prescriber before a decision."),
}


class Action(models.TextChoices):
    TRANSMIT = "transmit", _("Transmitted to the Régie")
    ACCEPT_AUTOMATICALLY = "accept_automatically", _("Accepted automatically")
    TAKE = "take", _("Taken by a reviewer")
    ACCEPT = "accept", _("Accepted")
    REFUSE = "refuse", _("Refused")
    REQUEST_INFORMATION = "request_information", _("Information requested")
    ANSWER = "answer", _("Information supplied")
    ASK_REVIEW = "ask_review", _("Review asked")
    WITHDRAW = "withdraw", _("Withdrawn")


TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Action.TRANSMIT): Status.SUBMITTED,
    (Status.DRAFT, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.SUBMITTED, Action.ACCEPT_AUTOMATICALLY): Status.ACCEPTED,
    (Status.SUBMITTED, Action.TAKE): Status.IN_REVIEW,
    (Status.SUBMITTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.IN_REVIEW, Action.ACCEPT): Status.ACCEPTED,
    (Status.IN_REVIEW, Action.REFUSE): Status.REFUSED,
    (Status.IN_REVIEW, Action.REQUEST_INFORMATION): Status.INFORMATION_REQUESTED,
    (Status.IN_REVIEW, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.INFORMATION_REQUESTED, Action.ANSWER): Status.IN_REVIEW,
    (Status.INFORMATION_REQUESTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.REFUSED, Action.ASK_REVIEW): Status.IN_REVIEW,
}

OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED})
DECIDED_STATUSES = frozenset({Status.ACCEPTED, Status.REFUSED})
SENT_STATUSES = frozenset(set(Status.values) - {Status.DRAFT})


class TransitionNotAllowed(Exception):
    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"{action!r} is not allowed from {status!r}")
        self.status = status
        self.action = action


def next_status(status: str, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionNotAllowed(status, action) from None


def allowed_actions(status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == status]
