"""Importing a catalogue file: idempotent upserts, all or nothing.

Codes are keyed on their code. A drug is the existing drug holding one of its DINs, else the drug of an
indication bearing one of its codes, else the drug with its key. An indication is keyed on (drug, key):
if its content (texts, code, durations, quantity, criteria) differs from the latest version, a new
version starts on the file's `effective_from` (a list update); otherwise only its dates are updated.
The whole file is checked first; then every change is written in one transaction, rolled back on any
problem and on `--dry-run`, so that a dry run reports exactly what a real run would change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from pme.audit.codes import AuditCode
from pme.audit.services import record as audit
from pme.catalogue.exchange.fileformat import LINE, read
from pme.catalogue.exchange.validation import clean
from pme.catalogue.models import CRITERION_FIELDS, DIN, Criterion, Drug, ExceptionCode, Indication
from pme.catalogue.services import VERSIONED_FIELDS, publish_indication_version, refresh_search

DRUG_FIELDS = (
    "key",
    "generic_name_fr",
    "generic_name_en",
    "brand",
    "form",
    "strength",
    "list_status",
    "therapeutic_system",
    "note_fr",
    "note_en",
)
COMPARED_CRITERION_FIELDS = CRITERION_FIELDS


class ImportFailed(Exception):
    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)


@dataclass
class ImportReport:
    changes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def note(self, what: str, message: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1
        self.changes.append(message)


class _Rollback(Exception):
    pass


def import_catalogue(
    data: bytes,
    *,
    name: str,
    actor: Any,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a CSV or JSON catalogue file (format by extension). Raises ImportFailed with every
    (line, message) found, having written nothing."""
    catalogue = read(data, name=name)
    codes, drugs = clean(catalogue)  # even after reading problems: report the whole file at once
    if catalogue.problems:
        raise ImportFailed(catalogue.problems)
    report = ImportReport(dry_run=dry_run)
    problems: list[tuple[int, str]] = []
    try:
        with transaction.atomic():
            _apply(codes, drugs, report, problems, progress)
            if problems:
                raise _Rollback
            audit(
                AuditCode.CATALOGUE_IMPORTED,
                actor=actor,
                details={"file": name, "counts": report.counts, "dry_run": dry_run},
            )
            if dry_run:
                raise _Rollback
    except _Rollback:
        if problems:
            raise ImportFailed(problems) from None
    return report


def _apply(
    codes: list[dict[str, Any]],
    drugs: list[dict[str, Any]],
    report: ImportReport,
    problems: list[tuple[int, str]],
    progress: Callable[[int, int], None] | None,
) -> None:
    code_objects: dict[str, ExceptionCode] = {c.code: c for c in ExceptionCode.objects.all()}
    for values in codes:
        existing = code_objects.get(values["code"])
        fields = {k: values[k] for k in ("effective_from", "withdrawn_on", "valid_until")}
        if existing is None:
            code_objects[values["code"]] = ExceptionCode.objects.create(code=values["code"], **fields)
            report.note("codes created", f"create code {values['code']}")
        elif changed := _changed(existing, fields):
            for name in changed:
                setattr(existing, name, fields[name])
            existing.save()
            report.note("codes updated", f"update code {values['code']}: {', '.join(changed)}")
    for done, values in enumerate(drugs, start=1):
        _apply_drug(values, code_objects, report, problems)
        if progress is not None:
            progress(done, len(drugs))


def _changed(obj: Any, fields: dict[str, Any]) -> list[str]:
    return [name for name, value in fields.items() if getattr(obj, name) != value]


def _find_drug(values: dict[str, Any], problems: list[tuple[int, str]]) -> Drug | None:
    line = values[LINE]
    by_din = set(DIN.objects.filter(din__in=values["dins"]).values_list("drug_id", flat=True))
    if len(by_din) > 1:
        problems.append((line, f"drug {values['key']!r}: its DINs belong to {len(by_din)} different drugs"))
        return None
    if by_din:
        return Drug.objects.get(pk=by_din.pop())
    codes = [i["code"] for i in values["indications"] if i["code"]]
    by_code = set(Indication.objects.filter(exception_code__code__in=codes).values_list("drug_id", flat=True))
    if len(by_code) > 1:
        problems.append((line, f"drug {values['key']!r}: its codes belong to {len(by_code)} different drugs"))
        return None
    if by_code:
        return Drug.objects.get(pk=by_code.pop())
    return Drug.objects.filter(key=values["key"]).first()


def _apply_drug(
    values: dict[str, Any],
    codes: dict[str, ExceptionCode],
    report: ImportReport,
    problems: list[tuple[int, str]],
) -> None:
    line, key = values[LINE], values["key"]
    drug = _find_drug(values, problems)
    fields = {name: values[name] for name in DRUG_FIELDS}
    if drug is not None and drug.key != key and Drug.objects.filter(key=key).exclude(pk=drug.pk).exists():
        problems.append((line, f"drug {key!r}: another drug already has this key"))
        return
    touched = False
    if drug is None:
        drug = Drug.objects.create(**fields)
        report.note("drugs created", f"create drug {key}")
        touched = True
    elif changed := _changed(drug, fields):
        for name in changed:
            setattr(drug, name, fields[name])
        drug.save()
        report.note("drugs updated", f"update drug {key}: {', '.join(changed)}")
        touched = True
    current_dins = set(drug.dins.values_list("din", flat=True))
    wanted = set(values["dins"])
    if current_dins != wanted:
        taken = DIN.objects.filter(din__in=wanted - current_dins).exclude(drug=drug)
        for din in taken:
            problems.append((line, f"drug {key!r}: DIN {din.din} belongs to drug {din.drug.key!r}"))
        drug.dins.exclude(din__in=wanted).delete()
        DIN.objects.bulk_create([DIN(drug=drug, din=d) for d in sorted(wanted - current_dins)])
        report.note("DIN lists updated", f"set DINs of {key}: {', '.join(sorted(wanted)) or '-'}")
        touched = True
    for indication in values["indications"]:
        touched |= _apply_indication(drug, indication, codes, report, problems)
    if touched:
        refresh_search(drug)


def _criterion_values(criterion: Criterion | dict[str, Any]) -> dict[str, Any]:
    get = criterion.get if isinstance(criterion, dict) else lambda n: getattr(criterion, n)
    values = {name: get(name) for name in COMPARED_CRITERION_FIELDS}
    if values["threshold"] is not None:
        values["threshold"] = Decimal(values["threshold"]).normalize()
    return values


def _apply_indication(
    drug: Drug,
    values: dict[str, Any],
    codes: dict[str, ExceptionCode],
    report: ImportReport,
    problems: list[tuple[int, str]],
) -> bool:
    line, label = values[LINE], f"{drug.key}/{values['key']}"
    code = None
    if values["code"]:
        code = codes.get(values["code"])
        if code is None:
            problems.append(
                (line, f"indication {label}: code {values['code']} is neither in the file nor known")
            )
            return False
    content = {name: values[name] for name in VERSIONED_FIELDS if name != "exception_code"}
    content["exception_code"] = code
    criteria = [
        {**{n: c[n] for n in COMPARED_CRITERION_FIELDS}, "position": position}
        for position, c in enumerate(values["criteria"], start=1)
    ]
    latest = drug.indications.filter(key=values["key"]).order_by("-version").first() if drug.pk else None
    dates = {"effective_from": values["effective_from"], "effective_to": values["effective_to"]}
    if latest is None:
        indication = Indication.objects.create(drug=drug, key=values["key"], **content, **dates)
        Criterion.objects.bulk_create([Criterion(indication=indication, **c) for c in criteria])
        report.note("indications created", f"create indication {label}")
        return True
    same_content = not _changed(latest, content) and [
        _criterion_values(c) for c in latest.criteria.order_by("position", "pk")
    ] == [_criterion_values(c) for c in criteria]
    if same_content:
        if changed := _changed(latest, dates):
            for name in changed:
                setattr(latest, name, dates[name])
            latest.save()
            report.note(
                "indication dates updated",
                f"update indication {label} v{latest.version}: {', '.join(changed)}",
            )
            return True
        return False
    if values["effective_from"] <= latest.effective_from:
        problems.append(
            (
                line,
                f"indication {label} changed: a new version needs an effective_from after "
                f"{latest.effective_from.isoformat()} (version {latest.version} in force)",
            )
        )
        return False
    new = publish_indication_version(
        latest, actor=None, effective_from=values["effective_from"], changes=content, criteria=criteria
    )
    if values["effective_to"]:
        new.effective_to = values["effective_to"]
        new.save(update_fields=["effective_to"])
    report.note("indication versions created", f"new version {new.version} of indication {label}")
    return True
