"""Checking every record of a read file, before anything is written. Returns cleaned values (dates,
decimals) and reports problems with their line numbers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pme.catalogue.criteria import CriterionSpec, spec_problems
from pme.catalogue.exchange.fileformat import LINE, Catalogue
from pme.catalogue.models import (
    CODE_RE,
    DIN_RE,
    Comparison,
    CriterionKind,
    DurationUnit,
    ListStatus,
    TherapeuticSystem,
)

SLUG_RE = re.compile(r"^[-a-z0-9_]{1,60}$")


class _Checker:
    def __init__(self, catalogue: Catalogue, record: dict[str, Any], what: str) -> None:
        self.catalogue, self.record, self.what = catalogue, record, what
        self.line = int(record.get(LINE, 0))

    def problem(self, message: str) -> None:
        self.catalogue.problem(self.line, f"{self.what}: {message}")

    def text(self, name: str, *, required: bool, label: str, max_length: int = 10_000) -> str:
        value = self.record.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(f"{label} must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(f"{label} is missing")
        if len(value) > max_length:
            self.problem(f"{label} is longer than {max_length} characters")
        return value

    def slug(self, name: str, label: str) -> str:
        value = self.text(name, required=True, label=label)
        if value and not SLUG_RE.match(value):
            self.problem(f"{label} {value!r} may hold only lower-case letters, digits and hyphens")
        return value

    def date(self, name: str, *, required: bool, label: str) -> dt.date | None:
        value = self.record.get(name)
        if value in (None, ""):
            if required:
                self.problem(f"{label} is missing")
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(f"{label} {value!r} is not a date written YYYY-MM-DD")
            return None

    def positive_int(self, name: str, label: str) -> int | None:
        value = self.record.get(name)
        if value in (None, ""):
            return None
        try:
            number = int(str(value))
        except ValueError:
            number = 0
        if number < 1 or number > 1000 or isinstance(value, bool | float):
            self.problem(f"{label} {value!r} must be a whole number from 1 to 1000")
            return None
        return number

    def boolean(self, name: str, label: str, default: bool) -> bool:
        value = self.record.get(name, default)
        if not isinstance(value, bool):
            self.problem(f"{label} must be true or false")
            return default
        return value

    def choice(self, name: str, label: str, choices: list[str], default: str = "") -> str:
        value = self.record.get(name) or default
        if value not in choices:
            self.problem(f"{label} {value!r} must be one of: {', '.join(choices)}")
        return str(value)


def clean_code(catalogue: Catalogue, record: dict[str, Any]) -> dict[str, Any]:
    check = _Checker(catalogue, record, f"code {record.get('code')!r}")
    code = check.text("code", required=True, label="the code")
    if code and not CODE_RE.match(code):
        check.problem("an exception code is two capital letters and 1 to 3 digits (e.g. AI582)")
    withdrawn_on = check.date("withdrawn_on", required=False, label="withdrawn_on")
    valid_until = check.date("valid_until", required=False, label="valid_until")
    if valid_until and not withdrawn_on:
        check.problem("valid_until is only for a withdrawn code (give withdrawn_on)")
    elif valid_until and withdrawn_on and valid_until < withdrawn_on:
        check.problem("valid_until is before withdrawn_on")
    return {
        LINE: check.line,
        "code": code,
        "effective_from": check.date("effective_from", required=True, label="effective_from"),
        "withdrawn_on": withdrawn_on,
        "valid_until": valid_until,
    }


def clean_drug(catalogue: Catalogue, record: dict[str, Any]) -> dict[str, Any]:
    check = _Checker(catalogue, record, f"drug {record.get('key')!r}")
    cleaned: dict[str, Any] = {
        LINE: check.line,
        "key": check.slug("key", "the key"),
        "generic_name_fr": check.text(
            "generic_name_fr", required=True, label="the French generic name", max_length=200
        ),
        "generic_name_en": check.text(
            "generic_name_en", required=True, label="the English generic name", max_length=200
        ),
        "brand": check.text("brand", required=False, label="the brand", max_length=200),
        "form": check.text("form", required=False, label="the form", max_length=120),
        "strength": check.text("strength", required=False, label="the strength", max_length=120),
        "list_status": check.choice("list_status", "list_status", ListStatus.values, ListStatus.EXCEPTION),
        "therapeutic_system": check.choice(
            "therapeutic_system", "therapeutic_system", TherapeuticSystem.values
        ),
        "note_fr": check.text("note_fr", required=False, label="the French note"),
        "note_en": check.text("note_en", required=False, label="the English note"),
    }
    dins = record.get("dins") or []
    if not isinstance(dins, list) or any(not isinstance(d, str) for d in dins):
        check.problem("dins must be a list of 8-digit strings")
        dins = []
    for din in dins:
        if not DIN_RE.match(din):
            check.problem(f"DIN {din!r} must have exactly 8 digits, leading zeros included")
    cleaned["dins"] = sorted(set(dins))
    cleaned["indications"] = [
        clean_indication(catalogue, i, cleaned["key"]) for i in record.get("indications", [])
    ]
    keys = [i["key"] for i in cleaned["indications"]]
    for duplicate in sorted({k for k in keys if keys.count(k) > 1}):
        check.problem(f"indication key {duplicate!r} appears twice")
    return cleaned


def clean_indication(catalogue: Catalogue, record: dict[str, Any], drug_key: str) -> dict[str, Any]:
    check = _Checker(catalogue, record, f"indication {drug_key}/{record.get('key')}")
    code = record.get("code") or None
    if code is not None and (not isinstance(code, str) or not CODE_RE.match(code)):
        check.problem(f"exception code {code!r} must be two capital letters and 1 to 3 digits")
    cleaned: dict[str, Any] = {
        LINE: check.line,
        "key": check.slug("key", "the key"),
        "code": code,
        "title_fr": check.text("title_fr", required=True, label="the French title", max_length=250),
        "title_en": check.text("title_en", required=True, label="the English title", max_length=250),
        "text_fr": check.text("text_fr", required=True, label="the French text"),
        "text_en": check.text("text_en", required=True, label="the English text"),
        "duration_unit": check.choice(
            "duration_unit", "duration_unit", DurationUnit.values, DurationUnit.MONTHS
        ),
        "initial_duration": check.positive_int("initial_duration", "initial_duration"),
        "renewal_duration": check.positive_int("renewal_duration", "renewal_duration"),
        "quantity_rule_fr": check.text(
            "quantity_rule_fr", required=False, label="quantity_rule_fr", max_length=250
        ),
        "quantity_rule_en": check.text(
            "quantity_rule_en", required=False, label="quantity_rule_en", max_length=250
        ),
        "automatic_decision": check.boolean("automatic_decision", "automatic_decision", False),
        "effective_from": check.date("effective_from", required=True, label="effective_from"),
        "effective_to": check.date("effective_to", required=False, label="effective_to"),
    }
    if (
        cleaned["effective_from"]
        and cleaned["effective_to"]
        and cleaned["effective_to"] < cleaned["effective_from"]
    ):
        check.problem("effective_to is before effective_from")
    cleaned["criteria"] = [clean_criterion(catalogue, c) for c in record.get("criteria", [])]
    keys = [c["key"] for c in cleaned["criteria"]]
    for duplicate in sorted({k for k in keys if keys.count(k) > 1}):
        check.problem(f"criterion key {duplicate!r} appears twice")
    return cleaned


def clean_criterion(catalogue: Catalogue, record: dict[str, Any]) -> dict[str, Any]:
    check = _Checker(catalogue, record, f"criterion {record.get('key')!r}")
    threshold: Decimal | None = None
    raw = record.get("threshold")
    if raw not in (None, ""):
        try:
            threshold = Decimal(str(raw))
            if not threshold.is_finite() or abs(threshold) >= 10**9:
                raise InvalidOperation
        except InvalidOperation:
            check.problem(f"threshold {raw!r} is not a number")
            threshold = None
    choices = record.get("choices") or []
    if not isinstance(choices, list) or any(
        not isinstance(c, dict) or not isinstance(c.get("value"), str) or not c.get("fr") or not c.get("en")
        for c in choices
    ):
        check.problem('choices must be a list of {"value": ..., "fr": ..., "en": ...}')
        choices = []
    choices = [{"value": c["value"], "fr": c["fr"], "en": c["en"]} for c in choices]
    satisfying = record.get("satisfying_values") or []
    if not isinstance(satisfying, list):
        check.problem("satisfying_values must be a list")
        satisfying = []
    cleaned: dict[str, Any] = {
        LINE: check.line,
        "key": check.slug("key", "the key"),
        "group": check.text("group", required=False, label="the group", max_length=60),
        "kind": check.choice("kind", "kind", CriterionKind.values),
        "question_fr": check.text("question_fr", required=True, label="the French question", max_length=300),
        "question_en": check.text("question_en", required=True, label="the English question", max_length=300),
        "hint_fr": check.text("hint_fr", required=False, label="hint_fr", max_length=300),
        "hint_en": check.text("hint_en", required=False, label="hint_en", max_length=300),
        "choices": choices,
        "satisfying_values": satisfying,
        "unit": check.text("unit", required=False, label="the unit", max_length=30),
        "comparison": check.choice("comparison", "comparison", ["", *Comparison.values]),
        "threshold": threshold,
        "required_for_automatic": check.boolean("required_for_automatic", "required_for_automatic", True),
    }
    if cleaned["kind"] == "choice":
        values = {c["value"] for c in choices}
        for value in satisfying:
            if value not in values:
                check.problem(f"satisfying value {value!r} is not one of the choices")
    spec = CriterionSpec(
        key=cleaned["key"],
        kind=cleaned["kind"],
        satisfying_values=satisfying,
        comparison=cleaned["comparison"],
        threshold=threshold,
    )
    for message in spec_problems(spec):
        check.problem(message)
    return cleaned


def clean(catalogue: Catalogue) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cleaned codes and drugs; problems (also across records: duplicate DINs, keys, codes) are added
    to `catalogue.problems`."""
    codes = [clean_code(catalogue, c) for c in catalogue.codes]
    drugs = [clean_drug(catalogue, d) for d in catalogue.drugs]
    first_seen: dict[tuple[str, str], int] = {}

    def unique(kind: str, value: str, line: int) -> None:
        if (kind, value) in first_seen:
            catalogue.problem(line, f"{kind} {value} already appears on line {first_seen[(kind, value)]}")
        else:
            first_seen[(kind, value)] = line

    for code in codes:
        unique("code", code["code"], code[LINE])
    for drug in drugs:
        unique("drug key", drug["key"], drug[LINE])
        for din in drug["dins"]:
            unique("DIN", din, drug[LINE])
    return codes, drugs
