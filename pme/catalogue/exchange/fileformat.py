"""Reading catalogue files into one plain structure, whatever the format, keeping each record's line.

Both formats become a `Catalogue`: codes, and drugs holding their indications holding their criteria,
as dicts with the JSON field names and types. Problems are collected as (line, message), never raised
one at a time, so that a file is reported whole.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass, field
from typing import Any

from pme.catalogue.models import CRITERION_FIELDS

FORMAT = "pme-catalogue/1"

CODE_FIELDS = ("code", "effective_from", "withdrawn_on", "valid_until")
DRUG_FIELDS = (
    "key",
    "generic_name_fr",
    "generic_name_en",
    "brand",
    "form",
    "strength",
    "list_status",
    "therapeutic_system",
    "dins",
    "note_fr",
    "note_en",
)
INDICATION_FIELDS = (
    "key",
    "code",
    "title_fr",
    "title_en",
    "text_fr",
    "text_en",
    "duration_unit",
    "initial_duration",
    "renewal_duration",
    "quantity_rule_fr",
    "quantity_rule_en",
    "automatic_decision",
    "effective_from",
    "effective_to",
)
FIELDS_BY_RECORD = {
    "code": CODE_FIELDS,
    "drug": DRUG_FIELDS,
    "indication": INDICATION_FIELDS,
    "criterion": CRITERION_FIELDS,
}
CSV_COLUMNS: tuple[str, ...] = (
    "record",
    *dict.fromkeys(f for fields in FIELDS_BY_RECORD.values() for f in fields),
)
INT_FIELDS = {"initial_duration", "renewal_duration"}
BOOL_FIELDS = {"automatic_decision", "required_for_automatic"}
JSON_CELL_FIELDS = {"choices", "satisfying_values"}
LINE = "__line__"


@dataclass
class Catalogue:
    codes: list[dict[str, Any]] = field(default_factory=list)
    drugs: list[dict[str, Any]] = field(default_factory=list)  # each with "indications": [... "criteria"]
    problems: list[tuple[int, str]] = field(default_factory=list)

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))


def read(data: bytes, *, name: str) -> Catalogue:
    """Read a file's bytes; the format is chosen by the name's extension (.csv or .json)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Catalogue(problems=[(line, "the file is not UTF-8 text")])
    if name.lower().endswith(".json"):
        return read_json(text)
    if name.lower().endswith(".csv"):
        return read_csv(text)
    return Catalogue(problems=[(0, "unknown file type: use a .csv or .json file")])


# --- JSON -------------------------------------------------------------------------------------------------


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder that stores in every object the line where it starts (pure-Python scanner: the C
    one offers no hook for positions)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        newlines = [m.start() for m in re.finditer("\n", text)]

        def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
            obj, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
            obj[LINE] = bisect.bisect_left(newlines, s_and_end[1]) + 1
            return obj, end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]


def read_json(text: str) -> Catalogue:
    catalogue = Catalogue()
    try:
        document = json.loads(text, cls=_LineDecoder, text=text)
    except json.JSONDecodeError as exc:
        catalogue.problem(exc.lineno, f"not valid JSON: {exc.msg}")
        return catalogue
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        catalogue.problem(1, f'the file must be an object with "format": "{FORMAT}"')
        return catalogue
    for name in ("codes", "drugs"):
        if not isinstance(document.get(name, []), list):
            catalogue.problem(document[LINE], f'"{name}" must be a list')
            return catalogue
    catalogue.codes = [_checked_object(catalogue, c, "code") for c in document.get("codes", [])]
    for drug in document.get("drugs", []):
        drug = _checked_object(catalogue, drug, "drug")
        indications = drug.get("indications", [])
        if not isinstance(indications, list):
            catalogue.problem(drug[LINE], '"indications" must be a list')
            indications = []
        drug["indications"] = []
        for indication in indications:
            indication = _checked_object(catalogue, indication, "indication")
            criteria = indication.get("criteria", [])
            if not isinstance(criteria, list):
                catalogue.problem(indication[LINE], '"criteria" must be a list')
                criteria = []
            indication["criteria"] = [_checked_object(catalogue, c, "criterion") for c in criteria]
            drug["indications"].append(indication)
        catalogue.drugs.append(drug)
    return catalogue


def _checked_object(catalogue: Catalogue, obj: Any, record: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        catalogue.problem(0, f"a {record} must be a JSON object")
        return {LINE: 0}
    allowed = {*FIELDS_BY_RECORD[record], LINE, "indications", "criteria"}
    for unknown in sorted(set(obj) - allowed):
        catalogue.problem(obj[LINE], f"{record}: unknown field {unknown!r}")
    return obj


# --- CSV --------------------------------------------------------------------------------------------------


def read_csv(text: str) -> Catalogue:
    """One record per row, its kind in the `record` column; indications follow their drug, criteria
    their indication. Lists of DINs are separated by ';'; choices and satisfying values are JSON."""
    catalogue = Catalogue()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ("record", "key") if c not in header]
    if missing:
        catalogue.problem(1, f"missing column(s): {', '.join(missing)}")
        return catalogue
    for unknown in (c for c in header if c not in CSV_COLUMNS):
        catalogue.problem(1, f"unknown column {unknown!r}")
    drug: dict[str, Any] | None = None
    indication: dict[str, Any] | None = None
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        kind = (row.get("record") or "").strip()
        if kind not in FIELDS_BY_RECORD:
            catalogue.problem(line, f"record must be code, drug, indication or criterion, not {kind!r}")
            continue
        obj: dict[str, Any] = {LINE: line}
        for name in FIELDS_BY_RECORD[kind]:
            obj[name] = _csv_value(catalogue, line, name, row.get(name) or "")
        if kind == "code":
            catalogue.codes.append(obj)
        elif kind == "drug":
            drug, indication = {**obj, "indications": []}, None
            catalogue.drugs.append(drug)
        elif kind == "indication":
            if drug is None:
                catalogue.problem(line, "an indication row must follow its drug row")
                continue
            indication = {**obj, "criteria": []}
            drug["indications"].append(indication)
        else:
            if indication is None:
                catalogue.problem(line, "a criterion row must follow its indication row")
                continue
            indication["criteria"].append(obj)
    return catalogue


def _csv_value(catalogue: Catalogue, line: int, name: str, cell: str) -> Any:
    cell = cell.strip()
    if name == "dins":
        return [d.strip() for d in cell.split(";") if d.strip()]
    if name in JSON_CELL_FIELDS:
        if not cell:
            return []
        try:
            return json.loads(cell)
        except json.JSONDecodeError:
            catalogue.problem(line, f"{name}: not valid JSON")
            return []
    if name in BOOL_FIELDS:
        low = cell.lower()
        if low == "":
            return name == "required_for_automatic"  # the defaults of the JSON format
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
        catalogue.problem(line, f"{name}: write true or false, not {cell!r}")
        return False
    if name in INT_FIELDS or name == "threshold":
        return cell or None  # checked and converted by the validator, like JSON numbers
    return cell or (None if name in ("code", "effective_to", "withdrawn_on", "valid_until") else "")


def write_csv(catalogue_dict: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()

    def cells(record: str, obj: dict[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {"record": record}
        for name in FIELDS_BY_RECORD[record]:
            value = obj.get(name)
            if name == "dins":
                value = ";".join(value or [])
            elif name in JSON_CELL_FIELDS:
                value = json.dumps(value, ensure_ascii=False) if value else ""
            elif isinstance(value, bool):
                value = "true" if value else "false"
            row[name] = "" if value is None else value
        return row

    for code in catalogue_dict["codes"]:
        writer.writerow(cells("code", code))
    for drug in catalogue_dict["drugs"]:
        writer.writerow(cells("drug", drug))
        for indication in drug["indications"]:
            writer.writerow(cells("indication", indication))
            for criterion in indication["criteria"]:
                writer.writerow(cells("criterion", criterion))
    return out.getvalue()
