"""Demo data of the audit trail: one registered confidentiality incident, so the register is not empty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from pme.audit.models import ConfidentialityIncident, HarmRisk
from pme.audit.services import create_incident

PRIVACY_OFFICER_USERNAME = "CE100004"  # pme/portal/demo.py


def seed(stdout: Any) -> None:
    if ConfidentialityIncident.objects.exists():
        stdout.write("Demo incidents: already there.")
        return
    officer = get_user_model().objects.filter(username=PRIVACY_OFFICER_USERNAME).first()
    if officer is None:
        return
    today = timezone.localdate()
    create_incident(
        actor=officer,
        values={
            "occurred_on": today - dt.timedelta(days=12),
            "occurred_until": None,
            "discovered_on": today - dt.timedelta(days=10),
            "description": "Une lettre de décision a été envoyée par télécopieur à la mauvaise clinique.",
            "information_concerned": "Nom, NAM, médicament demandé et décision pour une personne assurée.",
            "persons_count": 1,
            "persons_count_estimated": False,
            "harm_risk": HarmRisk.NO,
            "risk_assessment": (
                "La clinique destinataire a confirmé par écrit la destruction du document le jour même ; "
                "risque de préjudice sérieux jugé faible."
            ),
            "commission_notified_on": None,
            "persons_notified_on": None,
            "notifications_details": "Aucun avis requis : pas de risque de préjudice sérieux.",
            "measures_taken": "Rappel de la procédure de vérification des numéros de télécopieur.",
        },
    )
    stdout.write("Demo incidents: 1 created.")
