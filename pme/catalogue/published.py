"""Indication versions as systems look them up (FHIR Questionnaires, pme/api/fhir/questionnaire.py): by
drug (a DIN or the drug's key), by exception code, by identity and version. Public reference data, so no
access check; each search is one query plus the prefetches."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Prefetch, Q, QuerySet

from pme.catalogue.codification import find_product, normalize_code
from pme.catalogue.models import DIN, Indication
from pme.core.timeutils import local_today

STATUSES = ("active", "retired", "draft")


def _loaded(indications: QuerySet[Indication]) -> QuerySet[Indication]:
    return indications.select_related("drug", "exception_code").prefetch_related(
        "criteria", Prefetch("drug__dins", queryset=DIN.objects.order_by("din"))
    )


def published_version(pk: int) -> Indication | None:
    return _loaded(Indication.objects.filter(pk=pk)).first() if 0 < pk < 2**62 else None


def find_versions(
    *,
    drug: str = "",
    code: str = "",
    lineage: uuid.UUID | None = None,
    version: int | None = None,
    status: str = "",
    on: dt.date | None = None,
) -> list[Indication]:
    """Versions matching every filter given. `status`: active (in force on `on`, today by default),
    retired (ended), draft (not yet in force). An unknown drug or code matches nothing."""
    on = on or local_today()
    found = Indication.objects.all()
    if drug:
        product = find_product(drug)
        if product is None:
            return []
        found = found.filter(drug=product.drug)
    if code:
        found = found.filter(exception_code__code=normalize_code(code))
    if lineage is not None:
        found = found.filter(lineage=lineage)
    if version is not None:
        found = found.filter(version=version)
    if status == "active":
        found = found.filter(
            Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        )
    elif status == "retired":
        found = found.filter(effective_to__lt=on)
    elif status == "draft":
        found = found.filter(effective_from__gt=on)
    return list(_loaded(found).order_by("drug__sort_name", "key", "version"))
