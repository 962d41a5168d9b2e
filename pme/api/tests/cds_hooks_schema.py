"""JSON Schemas of the CDS Hooks 2.0 answers a CDS Service sends, written from the required, conditional
and enumerated fields of the specification (HL7 CDS Hooks 2.0, STU 2, https://cds-hooks.hl7.org/2.0/:
"Discovery" → Response, "CDS Service Response", "Card Attributes", "Source", "Suggestion", "Action",
"Link"). Optional fields are allowed; nothing else is assumed."""

from __future__ import annotations

from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"

SERVICE: dict[str, Any] = {
    "type": "object",
    "required": ["hook", "description", "id"],  # title is RECOMMENDED
    "properties": {
        "hook": {"type": "string", "minLength": 1},
        "title": {"type": "string"},
        "description": {"type": "string", "minLength": 1},
        "id": {"type": "string", "minLength": 1},
        "prefetch": {"type": "object", "additionalProperties": {"type": "string"}},
        "usageRequirements": {"type": "string"},
    },
}

DISCOVERY: dict[str, Any] = {
    "$schema": DRAFT,
    "type": "object",
    "required": ["services"],
    "properties": {"services": {"type": "array", "items": SERVICE}},
}

URL = {"type": "string", "pattern": "^https?://"}
CODING = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string"}, "system": {"type": "string"}, "display": {"type": "string"}},
}
SOURCE = {
    "type": "object",
    "required": ["label"],
    "properties": {"label": {"type": "string", "minLength": 1}, "url": URL, "icon": URL, "topic": CODING},
}
ACTION = {
    "type": "object",
    "required": ["type", "description"],
    "properties": {
        "type": {"enum": ["create", "update", "delete"]},
        "description": {"type": "string"},
        "resource": {"type": "object", "required": ["resourceType"]},
        "resourceId": {},
    },
    # resource: CONDITIONAL, present for create and update.
    "if": {"properties": {"type": {"enum": ["create", "update"]}}},
    "then": {"required": ["resource"]},
}
SUGGESTION = {
    "type": "object",
    "required": ["label"],
    "properties": {
        "label": {"type": "string", "minLength": 1},
        "uuid": {"type": "string"},
        "isRecommended": {"type": "boolean"},
        "actions": {"type": "array", "items": ACTION},
    },
}
LINK = {
    "type": "object",
    "required": ["label", "url", "type"],
    "properties": {
        "label": {"type": "string", "minLength": 1},
        "url": URL,
        "type": {"enum": ["absolute", "smart"]},
        "appContext": {"type": "string"},
        "autolaunchable": {"type": "boolean"},
    },
}
CARD = {
    "type": "object",
    "required": ["summary", "indicator", "source"],
    "properties": {
        "uuid": {"type": "string"},
        "summary": {"type": "string", "minLength": 1, "maxLength": 139},  # "<140-character summary"
        "detail": {"type": "string"},
        "indicator": {"enum": ["info", "warning", "critical"]},
        "source": SOURCE,
        "suggestions": {"type": "array", "items": SUGGESTION},
        "selectionBehavior": {"enum": ["at-most-one", "any"]},
        "overrideReasons": {"type": "array", "items": CODING},
        "links": {"type": "array", "items": LINK},
    },
    # selectionBehavior: CONDITIONAL, required when suggestions are present.
    "if": {"required": ["suggestions"]},
    "then": {"required": ["selectionBehavior"]},
}

RESPONSE: dict[str, Any] = {
    "$schema": DRAFT,
    "type": "object",
    "required": ["cards"],
    "properties": {
        "cards": {"type": "array", "items": CARD},
        "systemActions": {"type": "array", "items": ACTION},
    },
}
