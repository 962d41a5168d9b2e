"""The queries of the look-ups by insured person, each one SQL query however many requests it finds.
Only the doors (reads.py) call them; the windows are the authorizations app's access rule.

Panorama (prescribers, collaborators): requests *sent* in the last 90 whole days, Montréal time (today
is day 0, so the request sent at midnight on day 90 is in and the one sent a second before is out), by
the prescribers the user works for today. It starts from `requests_visible_to`, so every line it shows is
one the user may open.

Pharmacist status: `status_lines_visible_to` (requests of any prescriber valid today or sent in the last
12 months). Only status fields are read from the database (`.values(...)`), so nothing clinical can reach
the page.

Refusal reasons are `AuthorizationRequest.refusal_reasons` (coded, both languages) plus the free text in the
note of the `refuse` timeline entry; information-request questions are the notes of the
`request_information` timeline entries, which the review app writes (docs/consultation.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language

from pme.accounts.models import User
from pme.authorizations.access import (
    actor_shape,
    recent_start,
    requests_visible_to,
    shaped_actor,
    status_lines_visible_to,
)
from pme.authorizations.lifecycle import SENT_STATUSES, Action, Status
from pme.authorizations.models import AuthorizationRequest, TimelineEntry
from pme.catalogue.selectors import search_drugs
from pme.core.nam import NAM
from pme.core.prepared import Prepared
from pme.core.timeutils import REGIE_TZ

_DIN = re.compile(r"^[0-9]{8}$")


def drug_filter(query: str) -> Q:
    """A catalogue drug matching `query` (name, brand, DIN, code, as the catalogue search does), or a
    drug described in words (exceptional patient) containing it, or the DIN typed on the request."""
    condition = Q(drug__in=search_drugs(query).values("pk")) | Q(drug_description__icontains=query)
    if _DIN.match(query):
        condition |= Q(din=query)
    return condition


def _last_note(action: str, field: str = "note") -> Subquery:
    entries = TimelineEntry.objects.filter(auth_request=OuterRef("pk"), action=action).order_by("-at", "-pk")
    return Subquery(entries.values(field)[:1])


def panorama_queryset(
    user: User, prescribers: list[User], nam: NAM, *, drug_query: str = ""
) -> QuerySet[AuthorizationRequest]:
    return _panorama_requests(user, tuple(p.pk for p in prescribers), nam.value, drug_query)


def _panorama_requests(
    user: User, prescriber_ids: tuple[int, ...], nam_value: str, drug_query: str
) -> QuerySet[AuthorizationRequest]:
    requests = requests_visible_to(user).filter(
        nam=nam_value,
        prescriber__in=list(prescriber_ids),
        status__in=SENT_STATUSES,
        submitted_at__gte=recent_start(),
    )
    if drug_query:
        requests = requests.filter(drug_filter(drug_query))
    answers = TimelineEntry.objects.filter(
        auth_request=OuterRef("pk"), action=Action.ANSWER, at__gte=OuterRef("question_at")
    ).order_by("at", "pk")
    return (
        requests.select_related("drug", "prescriber")
        .annotate(
            refusal_reason=_last_note(Action.REFUSE),
            question=_last_note(Action.REQUEST_INFORMATION),
            question_at=_last_note(Action.REQUEST_INFORMATION, "at"),
        )
        .annotate(answered_at=Subquery(answers.values("at")[:1]))
        .order_by("prescriber__last_name", "prescriber__first_name", "prescriber_id", "-submitted_at", "-pk")
    )


# The look-ups without a drug query, compiled once a day per role (pme/core/prepared.py): the access
# rule depends on the actor's role and activity (the shape), then only on their id.
PANORAMA = Prepared(
    "panorama",
    lambda shape, user, prescribers, nam: _panorama_requests(shaped_actor(shape, user), prescribers, nam, ""),
)


def panorama(
    user: User, prescribers: list[User], nam: NAM, *, drug_query: str = ""
) -> list[AuthorizationRequest]:
    """`panorama_queryset`'s requests, from its prepared form when there is no drug query."""
    if drug_query:
        return list(panorama_queryset(user, prescribers, nam, drug_query=drug_query))
    ids = tuple(dict.fromkeys(p.pk for p in prescribers))
    return PANORAMA.run(actor_shape(user), user=user.pk, prescribers=ids, nam=nam.value)


@dataclass(frozen=True)
class StatusLine:
    """Everything a pharmacist may see of a request, and nothing else."""

    number: str  # to quote when calling the Régie
    drug: str
    status: str
    status_label: str
    sent_on: dt.date
    authorized_start: dt.date | None
    authorized_end: dt.date | None
    authorized_quantity: str
    prescriber_name: str
    written_in: str = ""  # the prescriber's language: the authorized quantity is in their words


STATUS_FIELDS = (
    "number",
    "drug__generic_name_fr",
    "drug__generic_name_en",
    "drug__strength",
    "drug_description",
    "status",
    "submitted_at",
    "authorized_start",
    "authorized_end",
    "authorized_quantity",
    "prescriber__language",
    "prescriber__first_name",
    "prescriber__last_name",
)
# The name on file, read with the status fields so that a pharmacist can confirm the person.
NAME_FIELDS = ("insured_first_name", "insured_last_name")


def _status_rows(actor: User, nam_value: str) -> QuerySet[AuthorizationRequest, dict[str, Any]]:
    rows = status_lines_visible_to(actor).filter(nam=nam_value)
    return rows.order_by("-submitted_at", "-pk").values(*STATUS_FIELDS, *NAME_FIELDS)


STATUS = Prepared("status_lookup", lambda shape, user, nam: _status_rows(shaped_actor(shape, user), nam))


def status_lookup(actor: User, nam: NAM, *, drug_query: str = "") -> tuple[list[StatusLine], str]:
    """The status lines of `nam` the actor may read (the pharmacist's rule), newest first, and the
    person's name on the newest one (for confirmation)."""
    if drug_query:
        found = list(_status_rows(actor, nam.value).filter(drug_filter(drug_query)))
    else:
        found = STATUS.run(actor_shape(actor), user=actor.pk, nam=nam.value)
    english = (get_language() or "fr").startswith("en")
    lines = []
    person = ""
    for row in found:
        if not person:
            person = f"{row['insured_first_name']} {row['insured_last_name']}".strip()
        name = (english and row["drug__generic_name_en"]) or row["drug__generic_name_fr"]
        drug = f"{name} {row['drug__strength']}".strip() if name else row["drug_description"]
        accepted = row["status"] == Status.ACCEPTED
        lines.append(
            StatusLine(
                number=row["number"],
                drug=drug,
                status=row["status"],
                status_label=str(Status(row["status"]).label),
                sent_on=row["submitted_at"].astimezone(REGIE_TZ).date(),
                authorized_start=row["authorized_start"] if accepted else None,
                authorized_end=row["authorized_end"] if accepted else None,
                authorized_quantity=row["authorized_quantity"] if accepted else "",
                prescriber_name=f"{row['prescriber__first_name']} {row['prescriber__last_name']}".strip(),
                written_in=row["prescriber__language"],
            )
        )
    return lines, person


def claims_for(
    actor: User, nam: NAM, *, practitioner: str = "", claim_key: str = ""
) -> QuerySet[AuthorizationRequest]:
    found = requests_visible_to(actor).filter(nam=nam.value).exclude(status=Status.DRAFT)
    if practitioner:
        found = found.filter(prescriber__prescriber_profile__professional_number=practitioner)
    if claim_key:
        found = found.filter(idempotency_key=claim_key)
    return found.select_related("prescriber__prescriber_profile", "drug", "indication").order_by(
        "-submitted_at", "-pk"
    )
