"""Writing the catalogue in the import format: every code, every drug with the latest version of each of
its indications. Importing the result into the same database changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from pme.catalogue.exchange.fileformat import (
    CODE_FIELDS,
    CRITERION_FIELDS,
    DRUG_FIELDS,
    FORMAT,
    INDICATION_FIELDS,
    write_csv,
)
from pme.catalogue.models import Criterion, Drug, ExceptionCode, Indication


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return int(normalized) if normalized == normalized.to_integral() else float(normalized)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def catalogue_dict() -> dict[str, Any]:
    codes = [{f: _plain(getattr(c, f)) for f in CODE_FIELDS} for c in ExceptionCode.objects.order_by("code")]
    drugs = []
    indications = Indication.objects.select_related("exception_code").order_by("key", "-version")
    criteria = Criterion.objects.order_by("position", "pk")
    queryset = Drug.objects.order_by("key").prefetch_related(
        "dins", Prefetch("indications", queryset=indications.prefetch_related(Prefetch("criteria", criteria)))
    )
    for drug in queryset:
        item: dict[str, Any] = {f: getattr(drug, f) for f in DRUG_FIELDS if f != "dins"}
        item["dins"] = [d.din for d in drug.dins.all()]
        item["indications"] = []
        seen: set[str] = set()
        for indication in drug.indications.all():
            if indication.key in seen:
                continue  # an older version
            seen.add(indication.key)
            out = {f: _plain(getattr(indication, f)) for f in INDICATION_FIELDS if f != "code"}
            out["code"] = indication.exception_code.code if indication.exception_code else None
            out["criteria"] = [
                {f: _plain(getattr(c, f)) for f in CRITERION_FIELDS} for c in indication.criteria.all()
            ]
            item["indications"].append(out)
        drugs.append(item)
    return {"format": FORMAT, "codes": codes, "drugs": drugs}


def export_catalogue(*, file_format: str) -> str:
    data = catalogue_dict()
    if file_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if file_format == "csv":
        return write_csv(data)
    raise ValueError(f"unknown format {file_format!r}")
