"""The coverage check of a pharmacy claim: is this drug paid for this insured person on this date, and how
much? One door, `check_coverage`, for the JSON API and FHIR (CoverageEligibilityRequest) alike.

Who may ask: pharmacists, and their pharmacy's software through their API tokens; every other role is
refused (403) and the refusal recorded. Counted per token (pme/consultation/token_throttle.py). Each check
writes exactly one audit event, `insured.coverage_checked`, with the NAM's keyed hash and the number of
requests the answer rests on, so the privacy officer's reports show it like any look-up of a person.

What it reads is the pharmacist's rule of the access table (`status_lines_visible_to`, docs/access.md):
the requests of any prescriber for this person and drug that are valid today or were sent in the last
12 months, status fields only (`.values(...)`). An unknown person gets exactly the answer of a person without
authorization ("none"): nothing says whether the NAM exists.

The answer, in this order (docs/api.md has the table):
1. a regular listed drug: no authorization needed;
2. an accepted request whose period covers the date: covered (or the quantity claimed is over the
   quantity authorized, when the authorized quantity starts with a number to compare);
3. an exception code written on the prescription: valid for this drug on this date, or why not;
4. otherwise why not: a request awaiting a decision, else the latest decided one (refused, ended, not
   started yet), else none.

Dispensed quantities are not tracked by the Régie's PME, so "what remains" is never computed: the answer
says so (`quantity_tracked` false) rather than guessing.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.authorizations.access import actor_shape, shaped_actor, status_lines_visible_to, status_window_start
from pme.authorizations.lifecycle import OPEN_STATUSES, Status
from pme.catalogue.codification import (
    CodeStatus,
    CodeVerdict,
    Product,
    ProductName,
    code_verdict,
    product_name,
)
from pme.catalogue.models import DIN, Drug, ListStatus
from pme.consultation.token_throttle import caller_bucket, count_statement
from pme.core.nam import NAM
from pme.core.prepared import Prepared, run_together
from pme.core.timeutils import REGIE_TZ, local_today

if TYPE_CHECKING:
    from django.http import HttpRequest

COVERAGE_ROLES = frozenset({Role.PHARMACIST})
SERVICE = "coverage_check"
_LEADING_NUMBER = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)")
_FIELDS = (
    "pk",
    "number",
    "status",
    "submitted_at",
    "authorized_start",
    "authorized_end",
    "authorized_quantity",
)


class CoverageResult(enum.StrEnum):
    NOT_REQUIRED = "not_required"
    AUTHORIZED = "authorized"
    QUANTITY_EXCEEDED = "quantity_exceeded"
    CODE_VALID = "code_valid"
    CODE_WITHDRAWN = "code_withdrawn"
    CODE_NOT_IN_FORCE = "code_not_in_force"
    CODE_WRONG_DRUG = "code_wrong_drug"
    CODE_UNKNOWN = "code_unknown"
    PENDING = "pending"
    REFUSED = "refused"
    EXPIRED = "expired"
    NOT_STARTED = "not_started"
    NONE = "none"


COVERED = frozenset({CoverageResult.NOT_REQUIRED, CoverageResult.AUTHORIZED, CoverageResult.CODE_VALID})
NO_REQUEST_NEEDED = frozenset({CoverageResult.NOT_REQUIRED, CoverageResult.CODE_VALID})
_CODE_RESULTS = {
    CodeStatus.VALID: CoverageResult.CODE_VALID,
    CodeStatus.WITHDRAWN: CoverageResult.CODE_WITHDRAWN,
    CodeStatus.NOT_IN_FORCE: CoverageResult.CODE_NOT_IN_FORCE,
    CodeStatus.WRONG_DRUG: CoverageResult.CODE_WRONG_DRUG,
    CodeStatus.UNKNOWN: CoverageResult.CODE_UNKNOWN,
}


class CoverageInputError(ValueError):
    """The check cannot be made as asked; `field` names the input, the message says why (translated)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class CoverageThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class AuthorizationFacts:
    number: str
    start: dt.date | None
    end: dt.date | None
    quantity: str  # as the Régie wrote it (text)
    quantity_limit: Decimal | None  # its leading number, when it has one: the most one claim may bill


@dataclass(frozen=True)
class RequestFacts:
    status: str
    status_label: str
    sent_on: dt.date | None


@dataclass(frozen=True)
class CoverageAnswer:
    """Everything a pharmacy system shows of a check, ready to display (message in the active language)."""

    result: CoverageResult
    message: str
    service_date: dt.date
    drug_key: str
    drug_name: str
    din: str
    list_status: str
    authorization: AuthorizationFacts | None = None
    request: RequestFacts | None = None
    code: CodeVerdict | None = None
    quantity_claimed: Decimal | None = None
    quantity_tracked: bool = False  # the Régie does not know what was already dispensed

    @property
    def covered(self) -> bool:
        return self.result in COVERED

    @property
    def authorization_required(self) -> bool:
        return self.result not in NO_REQUEST_NEEDED


def may_check_coverage(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in COVERAGE_ROLES


def quantity_limit(authorized_quantity: str) -> Decimal | None:
    """ "26 seringues" → 26; "1 inhalateur par mois" → 1; "as prescribed" → None (nothing to compare)."""
    found = _LEADING_NUMBER.match(authorized_quantity or "")
    if not found:
        return None
    try:
        return Decimal(found.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover (the pattern admits digits only)
        return None


def _written(day: dt.date | None) -> str:
    return formats.date_format(day, "DATE_FORMAT") if day else ""


def _quantity_text(value: Decimal) -> str:
    return formats.number_format(value.normalize() if value == value.to_integral() else value)


def check_coverage(
    *,
    actor: User,
    nam: NAM,
    din_or_drug: str,
    service_date: dt.date | None = None,
    quantity: Decimal | None = None,
    exception_code: str | None = None,
    request: HttpRequest | None = None,
) -> CoverageAnswer:
    """The coverage of one claim line. Raises PermissionDenied (not a pharmacist; recorded),
    CoverageInputError (unknown drug, date outside the window, bad quantity; nothing counted, shown or
    recorded), CoverageThrottled (recorded as a refused check)."""
    if not may_check_coverage(actor):
        record(AuditCode.ACCESS_DENIED, actor=actor, request=request, details={"service": SERVICE})
        raise PermissionDenied
    name = product_name(din_or_drug)
    if name is None:
        raise _unknown_product()
    service_date = _checked_inputs(service_date, quantity)
    code_text = (exception_code or "").strip()
    rate = count_statement(
        SERVICE,
        caller_bucket(actor.pk),
        limit=settings.PME_COVERAGE_LIMIT,
        window=settings.PME_COVERAGE_WINDOW_SECONDS,
    )
    # The count, the read and the event in one transaction: a check that fails (the audit down, the
    # input wrong) is not counted against the token. The count, the product and the person's requests
    # for it go to the database together (one round trip on PostgreSQL); a refused check shows nothing
    # of what was read, and its refusal is recorded after.
    with transaction.atomic():
        counted, products, rows = run_together(rate.statement, name.read(), _rows_read(actor, nam, name))
        product = name.product(products)
        if product is None:  # the transaction rolls back: not counted
            raise _unknown_product()
        details: dict[str, Any] = {
            "service": SERVICE,
            "drug": product.drug.key,
            "din": product.din,
            "service_date": service_date.isoformat(),
            "exception_code": code_text,
        }
        verdict = rate.verdict(counted)
        if verdict.allowed:
            rows = [] if product.drug.list_status == ListStatus.REGULAR else rows
            answer = _answer(product, rows, service_date=service_date, quantity=quantity, code_text=code_text)
            record(
                AuditCode.COVERAGE_CHECKED,
                actor=actor,
                nam=nam,
                result_count=len(rows),
                request=request,
                details={**details, "result": str(answer.result), "requests": [r["pk"] for r in rows]},
            )
            return answer
    record(AuditCode.COVERAGE_CHECKED, actor=actor, outcome=Outcome.DENIED, request=request, details=details)
    raise CoverageThrottled(verdict.retry_after)


def _unknown_product() -> CoverageInputError:
    return CoverageInputError("din", _("No drug of the Régie's list has this DIN (or key)."))


def _checked_inputs(service_date: dt.date | None, quantity: Decimal | None) -> dt.date:
    """The date of service (today by default) inside the window, and a positive quantity."""
    today = local_today()
    service_date = service_date or today
    earliest = status_window_start().date()
    if service_date > today or service_date < earliest:
        raise CoverageInputError(
            "service_date",
            _("The date of service must be between %(earliest)s and today.")
            % {"earliest": _written(earliest)},
        )
    if quantity is not None and quantity <= 0:
        raise CoverageInputError("quantity", _("The quantity must be more than zero."))
    return service_date


def _rows_queryset(actor: User, nam_value: str, name: ProductName) -> Any:
    """The person's requests for the product a claim names: its drug (any of its DINs), or the DIN typed
    on a request (exceptional patient), found by the name itself so that the product's own read can go
    with it."""
    if name.kind == "din":
        same_drug = Q(drug__in=DIN.objects.filter(din=name.value).values("drug_id")) | Q(din=name.value)
    else:
        same_drug = Q(drug__in=Drug.objects.filter(key=name.value).values("pk"))
    return (
        status_lines_visible_to(actor)
        .filter(same_drug, nam=nam_value)
        .exclude(status=Status.WITHDRAWN)
        .order_by("-submitted_at", "-pk")
        .values(*_FIELDS)[:100]
    )


# Compiled once a day per role and per kind of product name (pme/core/prepared.py): the most frequent call.
_ROWS = Prepared(
    "coverage_rows",
    lambda shape, user, nam, product: _rows_queryset(
        shaped_actor(shape, user), nam, ProductName(shape[-1], product)
    ),
)


def _rows_read(actor: User, nam: NAM, name: ProductName) -> tuple[Prepared, tuple[Any, ...], dict[str, Any]]:
    """The person's requests for this product that the pharmacist's rule (`status_lines_visible_to`: any
    prescriber's, valid today or sent in the last 12 months) lets us read, status fields only: one query,
    from its prepared form, as `run_together` takes it."""
    return (
        _ROWS,
        (*actor_shape(actor), name.kind),
        {"user": actor.pk, "nam": nam.value, "product": name.value},
    )


def _authorization(row: dict[str, Any]) -> AuthorizationFacts:
    return AuthorizationFacts(
        number=row["number"] or "",
        start=row["authorized_start"],
        end=row["authorized_end"],
        quantity=row["authorized_quantity"] or "",
        quantity_limit=quantity_limit(row["authorized_quantity"] or ""),
    )


def _request(row: dict[str, Any]) -> RequestFacts:
    sent = row["submitted_at"]
    return RequestFacts(
        status=row["status"],
        status_label=str(Status(row["status"]).label),
        sent_on=sent.astimezone(REGIE_TZ).date() if sent else None,
    )


def _answer(
    product: Product,
    rows: list[dict[str, Any]],
    *,
    service_date: dt.date,
    quantity: Decimal | None,
    code_text: str,
) -> CoverageAnswer:
    drug = product.drug
    base: dict[str, Any] = {
        "service_date": service_date,
        "drug_key": drug.key,
        "drug_name": f"{drug.generic_name} {drug.strength}".strip(),
        "din": product.din,
        "list_status": drug.list_status,
        "quantity_claimed": quantity,
    }
    if drug.list_status == ListStatus.REGULAR:
        return CoverageAnswer(
            CoverageResult.NOT_REQUIRED,
            _("No authorization is needed: this drug is a regular drug of the list."),
            **base,
        )
    accepted = [
        r for r in rows if r["status"] == Status.ACCEPTED and r["authorized_start"] and r["authorized_end"]
    ]
    valid = [r for r in accepted if r["authorized_start"] <= service_date <= r["authorized_end"]]
    if valid:
        row = max(valid, key=lambda r: r["authorized_end"])
        facts = _authorization(row)
        limit = facts.quantity_limit
        params = {"number": facts.number, "start": _written(facts.start), "end": _written(facts.end)}
        if quantity is not None and limit is not None and quantity > limit:
            message = _(
                "Authorization %(number)s is valid until %(end)s, but the quantity claimed (%(claimed)s) is "
                "more than the quantity authorized (%(quantity)s)."
            ) % {**params, "claimed": _quantity_text(quantity), "quantity": facts.quantity}
            return CoverageAnswer(
                CoverageResult.QUANTITY_EXCEEDED, message, authorization=facts, request=_request(row), **base
            )
        message = _("Covered by authorization %(number)s, from %(start)s to %(end)s.") % params
        if facts.quantity:
            message += " " + _("Quantity authorized: %(quantity)s.") % {"quantity": facts.quantity}
        return CoverageAnswer(
            CoverageResult.AUTHORIZED, message, authorization=facts, request=_request(row), **base
        )
    if code_text:
        verdict = code_verdict(code_text, drug, on=service_date)
        return CoverageAnswer(_CODE_RESULTS[verdict.status], _code_message(verdict), code=verdict, **base)
    pending = [r for r in rows if r["status"] in OPEN_STATUSES]
    if pending:
        facts_request = _request(pending[0])
        message = _("Not covered yet: the request sent on %(sent)s is “%(status)s”.") % {
            "sent": _written(facts_request.sent_on),
            "status": facts_request.status_label,
        }
        return CoverageAnswer(CoverageResult.PENDING, message, request=facts_request, **base)
    decided = [r for r in rows if r["status"] == Status.REFUSED or r in accepted]
    if decided:
        row = decided[0]
        if row["status"] == Status.REFUSED:
            facts_request = _request(row)
            message = _("Not covered: the request sent on %(sent)s was refused.") % {
                "sent": _written(facts_request.sent_on)
            }
            return CoverageAnswer(CoverageResult.REFUSED, message, request=facts_request, **base)
        facts = _authorization(row)
        if facts.end is not None and facts.end < service_date:
            message = _("Not covered: authorization %(number)s ended on %(end)s.") % {
                "number": facts.number,
                "end": _written(facts.end),
            }
            return CoverageAnswer(
                CoverageResult.EXPIRED, message, authorization=facts, request=_request(row), **base
            )
        message = _("Not covered yet: authorization %(number)s starts on %(start)s.") % {
            "number": facts.number,
            "start": _written(facts.start),
        }
        return CoverageAnswer(
            CoverageResult.NOT_STARTED, message, authorization=facts, request=_request(row), **base
        )
    return CoverageAnswer(
        CoverageResult.NONE,
        _("Not covered: there is no authorization for this drug and this person."),
        **base,
    )


def _code_message(verdict: CodeVerdict) -> str:
    params = {
        "code": verdict.code,
        "from": _written(verdict.effective_from),
        "withdrawn": _written(verdict.withdrawn_on),
        "until": _written(verdict.honoured_until),
    }
    if verdict.status == CodeStatus.VALID:
        if verdict.withdrawn_on:
            return (
                _(
                    "Covered by exception code %(code)s until %(until)s (the code was withdrawn on "
                    "%(withdrawn)s); no request is needed."
                )
                % params
            )
        return _("Covered by exception code %(code)s; no request is needed.") % params
    if verdict.status == CodeStatus.WITHDRAWN:
        return _("Not covered: exception code %(code)s was withdrawn on %(withdrawn)s.") % params
    if verdict.status == CodeStatus.NOT_IN_FORCE:
        return _("Not covered: exception code %(code)s is in force from %(from)s.") % params
    if verdict.status == CodeStatus.WRONG_DRUG:
        return _("Not covered: exception code %(code)s does not apply to this drug.") % params
    return _("Not covered: %(code)s is not an exception code of the list.") % params
