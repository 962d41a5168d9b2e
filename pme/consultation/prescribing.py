"""Advice to a prescriber at the moment of prescribing (CDS Hooks order-select and order-sign, from the
clinic's record): for each drug ordered, is it already authorized for this person, is a request waiting,
does an exception code apply, or is a request needed? One door, `advise_prescriptions`.

Who may ask: prescribers (their record calls with their API token); every other role is refused and
the refusal recorded. Counted per token (PME_CDS_LIMIT). Each call writes one audit event,
`insured.prescribing_advice_given`, with the person's keyed hash when the record named the person.

What it reads of the person follows the prescriber's own rule: only the requests the prescriber may see
(`requests_visible_to`: their own). An authorization another prescriber obtained is not revealed; the
advice then says that no authorization *of theirs* is in force. Regular listed drugs, and drugs that are
not in the catalogue, get no advice at all.

When a request is needed and the record named the person, the person's facts are stored behind a
short-lived handle (pme/authorizations/prefill.py): the card's link carries the handle, never the NAM.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.authorizations.access import requests_visible_to
from pme.authorizations.lifecycle import OPEN_STATUSES, Status
from pme.authorizations.prefill import PrefillContent, create_prefill
from pme.catalogue.codification import find_product
from pme.catalogue.models import Drug, Indication, ListStatus
from pme.catalogue.selectors import indications_in_force
from pme.consultation.token_throttle import caller_bucket, count_call
from pme.core.nam import NAM
from pme.core.timeutils import REGIE_TZ, local_today

if TYPE_CHECKING:
    from django.http import HttpRequest

ADVICE_ROLES = frozenset({Role.PRESCRIBER})
SERVICE = "cds_hooks"
MAX_REQUEST_LINKS = 5


@dataclass(frozen=True)
class Order:
    """One drug ordered: `reference` is the record's id of the order (e.g. MedicationRequest/12)."""

    reference: str
    din: str
    dosage: str = ""
    quantity: str = ""


@dataclass(frozen=True)
class Person:
    nam: NAM
    last_name: str = ""
    first_name: str = ""
    birth_date: str = ""  # YYYY-MM-DD, as the record sent it


class AdviceKind(enum.StrEnum):
    AUTHORIZED = "authorized"  # a valid authorization of this prescriber covers today
    PENDING = "pending"  # a request of this prescriber waits for a decision
    REQUEST_NEEDED = "request_needed"  # neither: a code may apply, else a request is needed


@dataclass(frozen=True)
class CodedIndication:
    code: str
    indication: Indication


@dataclass(frozen=True)
class OrderAdvice:
    order: Order
    drug: Drug
    kind: AdviceKind
    person_known: bool
    number: str = ""
    authorized_until: dt.date | None = None
    authorized_quantity: str = ""
    status: str = ""
    sent_on: dt.date | None = None
    codes: list[CodedIndication] = field(default_factory=list)
    request_targets: list[Indication | None] = field(default_factory=list)  # None: exceptional patient
    prefill: str = ""  # the handle for the request form's link

    @property
    def drug_name(self) -> str:
        return f"{self.drug.generic_name} {self.drug.strength}".strip()


class AdviceThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def may_ask_advice(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in ADVICE_ROLES


def advise_prescriptions(
    *,
    actor: User,
    hook: str,
    orders: list[Order],
    person: Person | None,
    request: HttpRequest | None = None,
) -> list[OrderAdvice]:
    """Advice for each order that names an exception drug (or a drug not on the list) of the catalogue.
    Raises PermissionDenied (not a prescriber; recorded) and AdviceThrottled (recorded)."""
    if not may_ask_advice(actor):
        record(
            AuditCode.ACCESS_DENIED, actor=actor, request=request, details={"service": SERVICE, "hook": hook}
        )
        raise PermissionDenied
    details: dict[str, Any] = {"service": SERVICE, "hook": hook, "orders": len(orders)}
    verdict = count_call(
        SERVICE, caller_bucket(actor.pk), limit=settings.PME_CDS_LIMIT, window=settings.PME_CDS_WINDOW_SECONDS
    )
    if not verdict.allowed:
        record(
            AuditCode.PRESCRIBING_ADVICE_GIVEN,
            actor=actor,
            outcome=Outcome.DENIED,
            request=request,
            details=details,
        )
        raise AdviceThrottled(verdict.retry_after)
    today = local_today()
    advice: list[OrderAdvice] = []
    read: list[int] = []
    for order in orders:
        product = find_product(order.din) if order.din else None
        if product is None or product.drug.list_status == ListStatus.REGULAR:
            continue
        rows = _rows(actor, person, product.drug) if person is not None else []
        read += [r["pk"] for r in rows]
        advice.append(_advise(actor, order, product.drug, person, rows, today))
    record(
        AuditCode.PRESCRIBING_ADVICE_GIVEN,
        actor=actor,
        nam=person.nam if person is not None else None,
        result_count=len(read) if person is not None else None,
        request=request,
        details={
            **details,
            "drugs": [a.drug.key for a in advice],
            "advice": [str(a.kind) for a in advice],
            "requests": read,
            "prefilled": any(a.prefill for a in advice),
        },
    )
    return advice


def _rows(actor: User, person: Person, drug: Drug) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in requests_visible_to(actor)
        .filter(nam=person.nam.value, drug=drug)
        .exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .order_by("-submitted_at", "-pk")
        .values(
            "pk",
            "number",
            "status",
            "submitted_at",
            "authorized_start",
            "authorized_end",
            "authorized_quantity",
        )[:50]
    ]


def _advise(
    actor: User, order: Order, drug: Drug, person: Person | None, rows: list[dict[str, Any]], today: dt.date
) -> OrderAdvice:
    common: dict[str, Any] = {"order": order, "drug": drug, "person_known": person is not None}
    valid = [
        r
        for r in rows
        if r["status"] == Status.ACCEPTED
        and r["authorized_start"]
        and r["authorized_end"]
        and r["authorized_start"] <= today <= r["authorized_end"]
    ]
    if valid:
        row = max(valid, key=lambda r: r["authorized_end"])
        return OrderAdvice(
            kind=AdviceKind.AUTHORIZED,
            number=row["number"] or "",
            authorized_until=row["authorized_end"],
            authorized_quantity=row["authorized_quantity"] or "",
            **common,
        )
    pending = [r for r in rows if r["status"] in OPEN_STATUSES]
    if pending:
        sent = pending[0]["submitted_at"]
        return OrderAdvice(
            kind=AdviceKind.PENDING,
            number=pending[0]["number"] or "",
            status=pending[0]["status"],
            sent_on=sent.astimezone(REGIE_TZ).date() if sent else None,
            **common,
        )
    indications = indications_in_force(drug, on=today)
    codes = [
        CodedIndication(i.exception_code.code, i)
        for i in indications
        if i.exception_code is not None and i.exception_code.can_be_prescribed(today)
    ]
    targets: list[Indication | None] = list(indications[:MAX_REQUEST_LINKS]) or [None]
    handle = ""
    if person is not None:
        handle = create_prefill(
            prescriber=actor,
            content=PrefillContent(
                nam=person.nam.value,
                insured_last_name=person.last_name[:100],
                insured_first_name=person.first_name[:100],
                insured_birth_date=person.birth_date[:10],
                din=order.din,
                dosage=order.dosage[:250],
                quantity=order.quantity[:120],
                drug_description="" if indications else f"{drug.generic_name} {drug.strength}".strip()[:250],
            ),
        )
    return OrderAdvice(
        kind=AdviceKind.REQUEST_NEEDED, codes=codes, request_targets=targets, prefill=handle, **common
    )
