"""The criteria of a recognized indication as a FHIR Questionnaire (in the style of Da Vinci DTR), so that a
clinic's record can render the questions and send the answers (a QuestionnaireResponse in
`Claim/$submit`) without our pages.

- One Questionnaire per indication *version*: `id` is the version's id (the catalogue API's
  `indication_id`), `url` the indication's identity (its lineage, the same for every version) and
  `version` its version number, so `url|version` names exactly what a request is assessed against.
- Item `linkId`s are our criterion keys; the QuestionnaireResponse's answers become the request's
  answers, evaluated by the same `pme.catalogue.criteria` as the form.
- Alternatives (criteria sharing a group: one met is enough) are asked in turn: each one is enabled only
  when every earlier alternative of its group is answered "not met" (`enableWhen`, `enableBehavior` all),
  where that can be said in FHIR (yes/no, a number against its threshold, a choice with one other option).
  An alternative whose "not met" cannot be said (a date, a free text) does not hide the next ones: asking
  one question too many is harmless, hiding one that was needed is not.
- Previous treatments are a repeating group (drug, reason stopped), read back as the criterion's list.

Texts are in the language of the call (French by default), as the catalogue pages.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fhir.resources.R4B.questionnaire import Questionnaire

from pme.api.fhir import mapping
from pme.catalogue.models import Criterion, Indication, TreatmentOutcome
from pme.core.timeutils import local_today

TYPES = {
    "yes_no": "boolean",
    "choice": "choice",
    "number": "decimal",
    "date": "date",
    "text": "text",
    "previous_treatments": "group",
}
# The "not met" side of a number criterion's comparison (eq has none we can state safely).
NOT_MET_OPERATOR = {"ge": "<", "gt": "<=", "le": ">", "lt": ">="}
_CANONICAL = re.compile(
    r"^(?:(?P<base>.*/)?Questionnaire/)(?P<ident>[0-9a-fA-F-]{36}|[0-9]{1,18})(?:\|(?P<version>[0-9]{1,9}))?$"
)


def canonical_url(indication: Indication) -> str:
    return f"{mapping.QUESTIONNAIRE_BASE}/{indication.lineage}"


def canonical(indication: Indication) -> str:
    """`url|version`, what a QuestionnaireResponse names in `questionnaire`."""
    return f"{canonical_url(indication)}|{indication.version}"


def parse_canonical(text: str) -> tuple[uuid.UUID | None, int | None, int | None]:
    """(lineage, version, indication id) named by a QuestionnaireResponse.questionnaire: our canonical
    `https://pme.example/fhir/Questionnaire/<lineage>|<version>`, or a read address
    `.../Questionnaire/<id>`. Nothing recognizable: (None, None, None)."""
    found = _CANONICAL.match(text.strip())
    if not found:
        return None, None, None
    ident, version = found.group("ident"), found.group("version")
    if ident.isdigit():
        return None, None, int(ident)
    return uuid.UUID(ident), int(version) if version else None, None


def status(indication: Indication) -> str:
    today = local_today()
    if indication.effective_from > today:
        return "draft"
    return "active" if indication.is_in_force(today) else "retired"


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def _not_met(criterion: Criterion) -> list[dict[str, Any]]:
    """enableWhen conditions, any of which says `criterion` is answered and not met; [] when FHIR cannot
    say it."""
    satisfying = criterion.satisfying_values if isinstance(criterion.satisfying_values, list) else []
    if criterion.kind == "yes_no" and satisfying in ([True], [False]):
        return [{"question": criterion.key, "operator": "=", "answerBoolean": not satisfying[0]}]
    if (
        criterion.kind == "number"
        and criterion.comparison in NOT_MET_OPERATOR
        and criterion.threshold is not None
    ):
        return [
            {
                "question": criterion.key,
                "operator": NOT_MET_OPERATOR[criterion.comparison],
                "answerDecimal": float(Decimal(criterion.threshold)),
            }
        ]
    if criterion.kind == "choice":
        others = [c["value"] for c in criterion.choices or [] if c.get("value") not in satisfying]
        return [
            {"question": criterion.key, "operator": "=", "answerCoding": _choice_coding(criterion, value)}
            for value in others
        ]
    return []


def _enable_when(criterion: Criterion, earlier: list[Criterion]) -> dict[str, Any]:
    conditions = [_not_met(c) for c in earlier]
    stated = [c for c in conditions if c]
    if not stated:
        return {}
    if all(len(c) == 1 for c in stated):
        return {"enableWhen": [c[0] for c in stated], "enableBehavior": "all"}
    if len(stated) == 1:  # one earlier choice with several other options: any of them
        return {"enableWhen": stated[0], "enableBehavior": "any"}
    # Several earlier alternatives, one of them a choice of several options: FHIR has no (a or b) and c;
    # keep the single-condition ones (asking more is harmless).
    singles = [c[0] for c in stated if len(c) == 1]
    return {"enableWhen": singles, "enableBehavior": "all"} if singles else {}


def _choice_coding(criterion: Criterion, value: str) -> dict[str, Any]:
    return {"system": mapping.CHOICE_SYSTEM, "code": value, "display": criterion.choice_label(value)}


def _treatment_items(criterion: Criterion) -> list[dict[str, Any]]:
    return [
        {"linkId": f"{criterion.key}.drug", "text": _("Drug"), "type": "string", "required": True},
        {
            "linkId": f"{criterion.key}.outcome",
            "text": _("Reason stopped"),
            "type": "choice",
            "required": True,
            "answerOption": [
                {
                    "valueCoding": {
                        "system": mapping.TREATMENT_OUTCOME_SYSTEM,
                        "code": value,
                        "display": str(label),
                    }
                }
                for value, label in TreatmentOutcome.choices
            ],
        },
        {"linkId": f"{criterion.key}.duration", "text": _("Duration"), "type": "string"},
    ]


def _item(criterion: Criterion, earlier_alternatives: list[Criterion]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": criterion.key,
        "text": criterion.question,
        "type": TYPES[criterion.kind],
    }
    children: list[dict[str, Any]] = []
    if criterion.kind == "choice":
        item["answerOption"] = [
            {"valueCoding": _choice_coding(criterion, c["value"])} for c in criterion.choices or []
        ]
    if criterion.kind == "number" and criterion.unit:
        item["extension"] = [{"url": mapping.QUESTIONNAIRE_UNIT, "valueCoding": {"display": criterion.unit}}]
    if criterion.kind == "previous_treatments":
        item["repeats"] = True
        children = _treatment_items(criterion)
    if criterion.hint:
        children.insert(0, {"linkId": f"{criterion.key}.hint", "text": criterion.hint, "type": "display"})
    if children:
        item["item"] = children
    item.update(_enable_when(criterion, earlier_alternatives))
    return item


def questionnaire(indication: Indication) -> dict[str, Any]:
    """The Questionnaire of one indication version (criteria prefetched: `indication_version`)."""
    drug = indication.drug
    criteria = list(indication.criteria.all())
    items = []
    for index, criterion in enumerate(criteria):
        earlier = [c for c in criteria[:index] if criterion.group and c.group == criterion.group]
        items.append(_item(criterion, earlier))
    codings = [{"system": mapping.DIN_SYSTEM, "code": d.din} for d in drug.dins.all()]
    codings.append({"system": mapping.DRUG_KEY_SYSTEM, "code": drug.key})
    identifiers = [{"system": mapping.INDICATION_SYSTEM, "value": str(indication.pk)}]
    data: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": str(indication.pk),
        "url": canonical_url(indication),
        "identifier": identifiers,
        "version": str(indication.version),
        "title": f"{drug.generic_name}: {indication.title}",
        "status": status(indication),
        "date": timezone.localtime(indication.updated_at).isoformat(),
        "publisher": "Régie (PME)",
        "language": "en" if _english() else "fr",
        "description": indication.text,
        "subjectType": ["Patient"],
        "useContext": [
            {
                "code": {
                    "system": "http://terminology.hl7.org/CodeSystem/usage-context-type",
                    "code": "focus",
                },
                "valueCodeableConcept": {"coding": codings, "text": drug.generic_name},
            }
        ],
        "effectivePeriod": {"start": indication.effective_from.isoformat()},
        "item": items,
    }
    if indication.effective_to:
        data["effectivePeriod"]["end"] = indication.effective_to.isoformat()
    if indication.exception_code is not None:
        data["code"] = [{"system": mapping.EXCEPTION_CODE_SYSTEM, "code": indication.exception_code.code}]
    if not items:
        data.pop("item")
    resource = Questionnaire.model_validate(data)
    return resource.model_dump(mode="json", exclude_none=True)
