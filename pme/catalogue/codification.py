"""Which product a claim or a prescription names, and whether an exception code written on it applies.

Pure catalogue rules (public reference data, no personal information): the coverage check of pharmacy
claims (pme/consultation/coverage.py) and the prescribing advice of clinic records
(pme/consultation/prescribing.py) both read the catalogue through these functions.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Any

from pme.catalogue.models import DIN, DIN_RE, Drug, ExceptionCode, Indication
from pme.core.prepared import Prepared

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


@dataclass(frozen=True)
class Product:
    """A catalogue drug as a claim names it: by one of its DINs (`din` set) or by its key (`din` empty)."""

    drug: Drug
    din: str


# Every coverage check and prescribing card starts here: compiled once (pme/core/prepared.py).
_BY_DIN = Prepared(
    "product_by_din", lambda shape, din: DIN.objects.select_related("drug").filter(din=din).order_by("pk")[:1]
)
_BY_KEY = Prepared("product_by_key", lambda shape, key: Drug.objects.filter(key=key).order_by("pk")[:1])


@dataclass(frozen=True)
class ProductName:
    """How a claim names its product: `din` (8 digits) or `key` (a catalogue key), normalized."""

    kind: str  # "din" or "key"
    value: str

    def read(self) -> tuple[Prepared, tuple[()], dict[str, Any]]:
        """The prepared read of the product, as `run_together` takes it; `product` reads its rows."""
        return (
            (_BY_DIN, (), {"din": self.value}) if self.kind == "din" else (_BY_KEY, (), {"key": self.value})
        )

    def product(self, rows: list[Any]) -> Product | None:
        if not rows:
            return None
        return Product(rows[0].drug, rows[0].din) if self.kind == "din" else Product(rows[0], "")


def product_name(din_or_key: str) -> ProductName | None:
    """A DIN (leading zeros kept; spaces ignored) or a catalogue key; None for anything else."""
    text = din_or_key.strip()
    compact = text.replace(" ", "")
    if DIN_RE.match(compact):
        return ProductName("din", compact)
    if _KEY.match(text):
        return ProductName("key", text)
    return None


def find_product(din_or_key: str) -> Product | None:
    """The drug with this DIN (8 digits, leading zeros kept; spaces ignored) or this catalogue key."""
    name = product_name(din_or_key)
    if name is None:
        return None
    prepared, shape, values = name.read()
    return name.product(prepared.run(shape, **values))


def normalize_code(text: str) -> str:
    """ "ai 582" → "AI582": codes are written by hand on prescriptions."""
    return "".join(text.split()).upper()


class CodeStatus(enum.StrEnum):
    VALID = "valid"  # honoured on the date for this drug (a withdrawn code until its last valid day)
    WITHDRAWN = "withdrawn"  # withdrawn, and past the last day it is honoured
    NOT_IN_FORCE = "not_in_force"  # not yet in force on the date
    WRONG_DRUG = "wrong_drug"  # a real code, but of no indication of this drug
    UNKNOWN = "unknown"  # not an exception code of the catalogue


@dataclass(frozen=True)
class CodeVerdict:
    status: CodeStatus
    code: str
    effective_from: dt.date | None = None
    withdrawn_on: dt.date | None = None
    honoured_until: dt.date | None = None  # last day a withdrawn code is paid


def code_verdict(text: str, drug: Drug, *, on: dt.date) -> CodeVerdict:
    """Does the exception code written on a prescription make `drug` payable on `on`?

    The code must belong to an indication (any version) of this drug: a code of another drug never pays,
    even if it is valid. A withdrawn code stays honoured until its `valid_until` (ExceptionCode)."""
    code_text = normalize_code(text)
    code = ExceptionCode.objects.filter(code=code_text).first()
    if code is None:
        return CodeVerdict(CodeStatus.UNKNOWN, code_text)
    if not Indication.objects.filter(drug=drug, exception_code=code).exists():
        status = CodeStatus.WRONG_DRUG
    elif on < code.effective_from:
        status = CodeStatus.NOT_IN_FORCE
    elif code.is_honoured(on):
        status = CodeStatus.VALID
    else:
        status = CodeStatus.WITHDRAWN
    return CodeVerdict(
        status,
        code.code,
        effective_from=code.effective_from,
        withdrawn_on=code.withdrawn_on,
        honoured_until=code.valid_until,
    )
