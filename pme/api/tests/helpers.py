"""Bodies and clients for the API tests."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

NAM = "TREM 8553 1512"  # a woman born 15 March 1985 (pme/authorizations/tests/factories.py)


def exception_body(indication: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "exception_drug",
        "nam": NAM,
        "insured_last_name": "Tremblay",
        "insured_first_name": "Julie",
        "insured_birth_date": "1985-03-15",
        "indication_id": indication.pk,
        "answers": {"exacerbations": True},
        "requested_start": "2026-12-01",
        "requested_duration": 12,
        "dosage": "2 inhalations twice a day",
        "quantity": "1 inhaler",
        "submit": True,
    }
    body.update(overrides)
    return body


def exceptional_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "exceptional_patient",
        "nam": NAM,
        "insured_last_name": "Tremblay",
        "insured_first_name": "Julie",
        "insured_birth_date": "1985-03-15",
        "drug_description": "drug X 10 mg tablet",
        "condition": "rare disease",
        "alternatives_unusable": "none works",
        "seriousness": "life-threatening",
        "expected_benefit": "fewer hospital stays",
        "requested_start": "2026-12-01",
        "requested_duration": 6,
        "dosage": "10 mg a day",
        "submit": True,
    }
    body.update(overrides)
    return body


def post_json(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)
