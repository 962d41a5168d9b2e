"""Writes on the catalogue. Keyword-only arguments and an `actor` (None: an operator command)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.catalogue.models import CRITERION_FIELDS as CONTENT_FIELDS
from pme.catalogue.models import Criterion, Drug, ExceptionCode, Indication

# Fields of an indication version that a list update may change (everything but identity and dates).
VERSIONED_FIELDS = (
    "title_fr",
    "title_en",
    "text_fr",
    "text_en",
    "exception_code",
    "duration_unit",
    "initial_duration",
    "renewal_duration",
    "quantity_rule_fr",
    "quantity_rule_en",
    "automatic_decision",
)
CRITERION_FIELDS = ("position", *CONTENT_FIELDS)  # a criterion of a published version: its place too


def refresh_search(drug: Drug) -> None:
    """Recompute the drug's search column after its names, brands, DINs or codes changed."""
    drug.refresh_search_document(save=True)


@transaction.atomic
def publish_indication_version(
    previous: Indication,
    *,
    actor: Any,
    effective_from: dt.date,
    changes: dict[str, Any],
    criteria: list[dict[str, Any]] | None = None,
) -> Indication:
    """A list update: `previous` stays as it was (requests made under it keep pointing at it) and ends
    the day before `effective_from`; a new version, with `changes` applied and its own copy of the
    criteria (`criteria` replaces them when given), starts on `effective_from`."""
    previous = Indication.objects.select_for_update().get(pk=previous.pk)
    if effective_from <= previous.effective_from:
        raise ValidationError(
            {
                "effective_from": _("A new version starts after the version it replaces (%(date)s).")
                % {"date": previous.effective_from.isoformat()}
            }
        )
    if Indication.objects.filter(lineage=previous.lineage, version__gt=previous.version).exists():
        raise ValidationError(_("Only the latest version of an indication can be replaced."))
    unknown = set(changes) - set(VERSIONED_FIELDS)
    if unknown:
        raise ValueError(f"not versioned fields: {sorted(unknown)}")
    old_criteria = [
        {f: getattr(c, f) for f in CRITERION_FIELDS} for c in previous.criteria.order_by("position", "pk")
    ]
    new = Indication(
        drug=previous.drug,
        lineage=previous.lineage,
        key=previous.key,
        version=previous.version + 1,
        effective_from=effective_from,
        effective_to=None,
        **{f: getattr(previous, f) for f in VERSIONED_FIELDS},
    )
    for name, value in changes.items():
        setattr(new, name, value)
    new.full_clean(exclude=["drug", "exception_code"])
    if previous.effective_to is None or previous.effective_to >= effective_from:
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to", "updated_at"])
    new.save()
    for values in criteria if criteria is not None else old_criteria:
        criterion = Criterion(indication=new, **values)
        criterion.full_clean(exclude=["indication"])
        criterion.save()
    refresh_search(new.drug)
    record(
        AuditCode.INDICATION_VERSION_PUBLISHED,
        actor=actor,
        target=new,
        details={"lineage": str(new.lineage), "version": new.version, "previous": previous.pk},
    )
    return new


@transaction.atomic
def withdraw_exception_code(
    code: ExceptionCode, *, actor: Any, withdrawn_on: dt.date, valid_until: dt.date | None
) -> ExceptionCode:
    """From `withdrawn_on` no new prescription may bear the code; those that do stay honoured until
    `valid_until` (None: not after the withdrawal)."""
    code = ExceptionCode.objects.select_for_update().get(pk=code.pk)
    code.withdrawn_on = withdrawn_on
    code.valid_until = valid_until
    code.full_clean()
    code.save(update_fields=["withdrawn_on", "valid_until"])
    record(
        AuditCode.CODE_WITHDRAWN,
        actor=actor,
        target=code,
        details={
            "code": code.code,
            "withdrawn_on": withdrawn_on.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return code
