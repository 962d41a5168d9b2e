"""Catalogue: public reference data, open without a token as the catalogue pages are."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from pme.api.common import decode_cursor, encode_cursor
from pme.api.errors import ApiError
from pme.api.schemas import ERROR_RESPONSES, DrugOut, DrugPageOut, IndicationOut
from pme.catalogue import selectors
from pme.catalogue.models import Drug, Indication

router = Router(auth=None)
PAGE = 50


def _drug_summary(drug: Drug) -> dict[str, Any]:
    return {
        "id": drug.pk,
        "key": drug.key,
        "generic_name": drug.generic_name,
        "brands": drug.brands,
        "strength": drug.strength,
        "form": drug.form,
        "dins": [d.din for d in drug.dins.all()],
        "list_status": drug.list_status,
        "therapeutic_system": drug.therapeutic_system,
    }


def indication_out(indication: Indication) -> dict[str, Any]:
    return {
        "id": indication.pk,
        "drug_id": indication.drug_id,
        "key": indication.key,
        "version": indication.version,
        "title": indication.title,
        "text": indication.text,
        "exception_code": indication.exception_code.code if indication.exception_code else None,
        "effective_from": indication.effective_from,
        "effective_to": indication.effective_to,
        "duration_unit": indication.duration_unit,
        "initial_duration": indication.initial_duration,
        "renewal_duration": indication.renewal_duration,
        "quantity_rule": indication.quantity_rule,
        "automatic_decision": indication.automatic_decision,
        "criteria": [
            {
                "key": c.key,
                "kind": c.kind,
                "question": c.question,
                "hint": c.hint,
                "choices": c.choices or [],
                "unit": c.unit,
                "required_for_automatic": c.required_for_automatic,
            }
            for c in indication.criteria.all()
        ],
    }


@router.get(
    "/drugs",
    response={200: DrugPageOut, **ERROR_RESPONSES},
    url_name="catalogue_drugs",
    summary="Search the drugs (name, brand, DIN, exception code)",
)
def drugs(request: HttpRequest, q: Query[str] = "", cursor: Query[str] = "") -> Any:  # type: ignore[assignment]
    if len(q) > 100:
        raise ApiError.invalid("q", "100 characters at most")
    offset = decode_cursor(cursor) or 0
    found = list(selectors.public_drug_list(query=q, include_all_statuses=True)[offset : offset + PAGE + 1])
    more = len(found) > PAGE
    return {
        "items": [_drug_summary(d) for d in found[:PAGE]],
        "next_cursor": encode_cursor(offset + PAGE) if more else None,
    }


@router.get(
    "/drugs/{drug_id}",
    response={200: DrugOut, **ERROR_RESPONSES},
    url_name="catalogue_drug",
    summary="A drug and its recognized indications in force today",
)
def drug(request: HttpRequest, drug_id: int) -> Any:
    found = selectors.drug_by_pk(drug_id) if 0 < drug_id < 2**62 else None
    if found is None:
        raise ApiError.not_found()
    return {
        **_drug_summary(found),
        "note": found.note_en if request.LANGUAGE_CODE == "en" and found.note_en else found.note_fr,
        "indications": [indication_out(i) for i in selectors.indications_in_force(found)],
    }


@router.get(
    "/indications/{indication_id}",
    response={200: IndicationOut, **ERROR_RESPONSES},
    url_name="catalogue_indication",
    summary="One version of a recognized indication, with its criteria",
)
def indication(request: HttpRequest, indication_id: int) -> Any:
    found = selectors.indication_version(indication_id) if 0 < indication_id < 2**62 else None
    if found is None:
        raise ApiError.not_found()
    return indication_out(found)
