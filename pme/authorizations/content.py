"""What a prescriber writes in a payment authorization request: the one declaration of its fields.

`DraftInput` lists every field of the request's content once, with what each one does:

- `carried`: PLAIN fields go by the same name and type through the request form (its field is built
  from the model column unless the form declares one), the JSON API (`RequestIn`), the draft, the
  snapshot of version 1 and the renewal; SPECIAL fields (the NAM, the drug, the indication, the answers,
  the previous treatments) have their own code in each of those places.
- `on_renewal`: what a renewal does with the value (keep it, clear it, or set it: see `renewal_input`).

From it are derived: the columns written by a draft (`draft_columns`), the frozen columns that the
model and the database triggers refuse to change once sent (`models.FROZEN_FIELDS`), the snapshot kept
as version 1 (`services.snapshot`), the renewal copy, the form's input and initial values
(`forms.RequestForm`) and the API's body and mapping (`pme.api.schemas.RequestIn`). Adding a field to
the request means one model column (and its migration) and one line here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pme.core.nam import NAM


class Carried(StrEnum):
    PLAIN = "plain"
    SPECIAL = "special"


class OnRenewal(StrEnum):
    KEEP = "keep"
    CLEAR = "clear"
    SET = "set"  # a value computed by `renewal_input`


def _content(
    default: Any = dataclasses.MISSING,
    *,
    carried: Carried = Carried.PLAIN,
    on_renewal: OnRenewal = OnRenewal.KEEP,
    factory: Any = None,
) -> Any:
    metadata = {"carried": carried, "on_renewal": on_renewal}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class TreatmentInput:
    drug_name: str
    outcome: str
    duration: str = ""
    details: str = ""


@dataclass
class DraftInput:
    """Everything a prescriber (or a collaborator for them) writes in the request form."""

    kind: str = _content(carried=Carried.SPECIAL)
    nam: NAM = _content(carried=Carried.SPECIAL)
    insured_last_name: str = _content()
    insured_first_name: str = _content()
    insured_birth_date: dt.date = _content()
    request_type: str = _content("first", on_renewal=OnRenewal.SET)
    drug: Any = _content(None, carried=Carried.SPECIAL)
    indication: Any = _content(None, carried=Carried.SPECIAL)
    drug_description: str = _content("")
    din: str = _content("")
    answers: dict[str, Any] = _content(carried=Carried.SPECIAL, factory=dict)
    treatment_started: bool = _content(False, on_renewal=OnRenewal.SET)
    requested_start: dt.date | None = _content(None, on_renewal=OnRenewal.SET)
    requested_duration: int | None = _content(None)
    requested_duration_unit: str = _content("months")
    dosage: str = _content("")
    quantity: str = _content("")
    urgency: str = _content("standard", on_renewal=OnRenewal.CLEAR)
    urgency_reason: str = _content("", on_renewal=OnRenewal.CLEAR)
    clinical_notes: str = _content("", on_renewal=OnRenewal.CLEAR)
    condition: str = _content("")
    alternatives_unusable: str = _content("")
    seriousness: str = _content("")
    expected_benefit: str = _content("")
    previous_treatments: Sequence[TreatmentInput] = _content((), carried=Carried.SPECIAL)


CONTENT_FIELDS: tuple[dataclasses.Field[Any], ...] = dataclasses.fields(DraftInput)
# Carried by the model as a foreign key (drug -> drug_id) or in another table (previous treatments).
_FOREIGN_KEYS = frozenset({"drug", "indication"})
_OTHER_TABLES = frozenset({"previous_treatments"})


def plain_fields() -> list[str]:
    """The fields that every channel carries as they are (same name, same type)."""
    return [f.name for f in CONTENT_FIELDS if f.metadata["carried"] == Carried.PLAIN]


def draft_attributes() -> list[str]:
    """The model attributes a draft is written with (the NAM as its compact value)."""
    return [f.name for f in CONTENT_FIELDS if f.name not in _OTHER_TABLES]


def draft_columns() -> tuple[str, ...]:
    """The request's content as database columns (foreign keys by their `_id` column)."""
    return tuple(f"{name}_id" if name in _FOREIGN_KEYS else name for name in draft_attributes())


def stored_value(data: DraftInput, name: str) -> Any:
    value = getattr(data, name)
    return value.value if isinstance(value, NAM) else value


def input_values(auth_request: Any) -> Iterator[tuple[str, Any]]:
    """A saved request's content as DraftInput keyword arguments (the NAM as a NAM, treatments as
    TreatmentInput)."""
    for item in CONTENT_FIELDS:
        if item.name == "nam":
            yield "nam", auth_request.nam_value
        elif item.name == "previous_treatments":
            yield (
                item.name,
                [
                    TreatmentInput(t.drug_name, t.outcome, t.duration, t.details)
                    for t in auth_request.previous_treatments.all()
                ],
            )
        elif item.name == "answers":
            yield item.name, dict(auth_request.answers or {})
        else:
            yield item.name, getattr(auth_request, item.name)


def snapshot_values(auth_request: Any) -> dict[str, Any]:
    """The content as plain JSON (dates as ISO strings), as kept in version 1 (the request as sent)."""
    data: dict[str, Any] = {}
    for column in draft_columns():
        value = getattr(auth_request, column)
        data[column] = value.isoformat() if isinstance(value, dt.date) else value
    data["previous_treatments"] = [
        {"drug_name": t.drug_name, "duration": t.duration, "outcome": t.outcome, "details": t.details}
        for t in auth_request.previous_treatments.all()
    ]
    return data


def renewal_input(accepted: Any) -> DraftInput:
    """A renewal of an accepted request: the same content, except what `on_renewal` says. It starts the
    day after the authorization ends, with the treatment started."""
    values = dict(input_values(accepted))
    defaults = {f.name: f.default for f in CONTENT_FIELDS if f.default is not dataclasses.MISSING}
    for item in CONTENT_FIELDS:
        if item.metadata["on_renewal"] == OnRenewal.CLEAR:
            values[item.name] = defaults[item.name]
    values["request_type"] = "renewal"
    values["treatment_started"] = True
    end = accepted.authorized_end
    values["requested_start"] = end + dt.timedelta(days=1) if end else None
    return DraftInput(**values)
