"""Request bodies shared by the submission scenario and the crash test (no Django needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def submission_body(i: int) -> dict[str, Any]:
    return {
        "kind": "exceptional_patient",
        "nam": f"TREM85{(i % 12) + 1:02d}15{i % 100:02d}",
        "insured_last_name": "Tremblay",
        "insured_first_name": "Julie",
        "insured_birth_date": f"1985-{(i % 12) + 1:02d}-15",
        "drug_description": "Médicament expérimental 10 mg comprimé",
        "condition": "Maladie rare documentée.",
        "alternatives_unusable": "Aucun médicament inscrit n'est indiqué.",
        "seriousness": "Atteinte progressive d'un organe vital.",
        "expected_benefit": "Stabilisation de la fonction rénale à 6 mois.",
        "dosage": "10 mg par jour",
        "quantity": "30 comprimés par mois",
        "requested_start": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
        "requested_duration": 6,
        "requested_duration_unit": "months",
        "submit": True,
    }
