"""The CDS Hooks 2.0 discovery document and cards, in the language of the call (Accept-Language, French
by default). A card's summary stays under 140 characters, as the specification asks; links are absolute
(PME_SITE_URL) and carry no personal information: at most an opaque, short-lived handle."""

from __future__ import annotations

import copy
import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from pme.api.fhir import mapping
from pme.authorizations.lifecycle import Status
from pme.consultation.prescribing import AdviceKind, OrderAdvice

SUMMARY_LENGTH = 140
PATIENT_PREFETCH = {"patient": "Patient/{{context.patientId}}"}
SERVICES = {
    "pme-order-select": "order-select",
    "pme-order-sign": "order-sign",
}


def _site(path: str) -> str:
    return settings.PME_SITE_URL.rstrip("/") + path


def _language() -> str:
    return "en" if (translation.get_language() or "fr").startswith("en") else "fr"


def _written(day: Any) -> str:
    return formats.date_format(day, "DATE_FORMAT") if day else ""


def discovery() -> dict[str, Any]:
    usage = _(
        "Authenticate with a PME API token of the prescriber (Authorization: Bearer). The prefetched "
        "Patient must carry the health insurance number (system %(system)s)."
    ) % {"system": mapping.NAM_SYSTEM}
    return {
        "services": [
            {
                "hook": "order-select",
                "id": "pme-order-select",
                "title": _("PME: exception drugs (when a drug is chosen)"),
                "description": _(
                    "Says whether the drug chosen is an exception drug, which exception code applies, "
                    "whether an authorization is already in force, or links to a pre-filled request."
                ),
                "prefetch": dict(PATIENT_PREFETCH),
                "usageRequirements": usage,
            },
            {
                "hook": "order-sign",
                "id": "pme-order-sign",
                "title": _("PME: exception drugs (before signing)"),
                "description": _(
                    "Before the prescription is signed: the same advice for every drug of the order, and "
                    "a warning when an authorization request is needed."
                ),
                "prefetch": dict(PATIENT_PREFETCH),
                "usageRequirements": usage,
            },
        ]
    }


def _source() -> dict[str, Any]:
    return {"label": _("PME (Régie): exception drugs"), "url": _site(f"/{_language()}/catalogue/")}


def _short(text: str) -> str:
    return text if len(text) < SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 2].rstrip() + "…"


def _card(summary: str, indicator: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _short(summary),
        "detail": detail,
        "indicator": indicator,
        "source": _source(),
        **extra,
    }


def _request_link(advice: OrderAdvice, target: Any) -> dict[str, Any]:
    with translation.override(_language()):
        if target is None:
            path = reverse("authorizations:new_exceptional_patient")
            label = _("Request under the exceptional patient measure")
        else:
            path = reverse("authorizations:new_exception", args=[target.pk])
            label = _("Request: %(indication)s") % {"indication": target.title}
    query = f"?{urlencode({'prefill': advice.prefill})}" if advice.prefill else ""
    return {"label": _short(label), "url": _site(path + query), "type": "absolute"}


def _code_suggestion(advice: OrderAdvice, code: str, resource: dict[str, Any] | None) -> dict[str, Any]:
    suggestion: dict[str, Any] = {
        "label": _("Write exception code %(code)s on the prescription") % {"code": code},
        "uuid": str(uuid.uuid4()),
    }
    if resource is not None:
        updated = copy.deepcopy(resource)
        note = _("Exception code: %(code)s") % {"code": code}
        updated["note"] = [*(updated.get("note") or []), {"text": note}]
        updated["extension"] = [
            *(updated.get("extension") or []),
            {"url": mapping.EXCEPTION_CODE_EXTENSION, "valueCode": code},
        ]
        suggestion["actions"] = [
            {
                "type": "update",
                "description": _("Adds the exception code %(code)s.") % {"code": code},
                "resource": updated,
            }
        ]
    return suggestion


def cards(advice: list[OrderAdvice], resources: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One or two cards per drug that needs something; none for regular drugs (they are not advised)."""
    found: list[dict[str, Any]] = []
    for item in advice:
        drug = item.drug_name
        if item.kind == AdviceKind.AUTHORIZED:
            detail = _("Authorization %(number)s is in force until %(end)s.") % {
                "number": item.number,
                "end": _written(item.authorized_until),
            }
            if item.authorized_quantity:
                detail += " " + _("Quantity authorized: %(quantity)s.") % {
                    "quantity": item.authorized_quantity
                }
            summary = _("%(drug)s: already authorized until %(end)s") % {
                "drug": drug,
                "end": _written(item.authorized_until),
            }
            found.append(_card(summary, "info", detail))
            continue
        if item.kind == AdviceKind.PENDING:
            summary = _("%(drug)s: a request is already waiting for a decision") % {"drug": drug}
            detail = _("Request %(number)s, sent on %(sent)s: %(status)s.") % {
                "number": item.number,
                "sent": _written(item.sent_on),
                "status": str(Status(item.status).label),
            }
            found.append(_card(summary, "info", detail))
            continue
        if item.codes:
            lines = [
                f"- **{c.code}**: {c.indication.title}. {c.indication.text}".replace("\n", " ")
                for c in item.codes
            ]
            if len(item.codes) == 1:
                summary = _("Exception drug: code %(code)s applies if %(indication)s") % {
                    "code": item.codes[0].code,
                    "indication": item.codes[0].indication.title,
                }
            else:
                summary = _("Exception drug: codes %(codes)s apply to recognized indications") % {
                    "codes": ", ".join(c.code for c in item.codes)
                }
            detail = _("%(drug)s is paid with an exception code written on the prescription when:") % {
                "drug": drug
            }
            found.append(
                _card(
                    summary,
                    "info",
                    detail + "\n\n" + "\n".join(lines),
                    suggestions=[
                        _code_suggestion(item, c.code, resources.get(item.order.reference))
                        for c in item.codes
                    ],
                    selectionBehavior="at-most-one",
                )
            )
        if item.codes:
            summary = _("%(drug)s: an authorization request is needed unless a code applies") % {"drug": drug}
        else:
            summary = _("%(drug)s: an authorization request is needed") % {"drug": drug}
        if item.person_known:
            detail = _("No authorization of yours is in force for this person and this drug.")
        else:
            detail = _(
                "The record sent no health insurance number, so PME cannot tell whether this person already "
                "has an authorization."
            )
        detail += " " + _("The links open the PME request form, pre-filled; log in first if asked.")
        found.append(
            _card(
                summary,
                "warning",
                detail,
                links=[_request_link(item, target) for target in item.request_targets],
            )
        )
    return found
