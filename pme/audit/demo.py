"""Demo data of the audit trail: two registered confidentiality incidents, one entered by the French-
speaking privacy officer and one by the English-speaking one, each in its author's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from pme.audit.chainer import Anchorer, link_pending
from pme.audit.models import ConfidentialityIncident, HarmRisk
from pme.audit.services import create_incident

INCIDENTS = (
    (
        "CE100004",
        12,
        {
            "description": "Une lettre de décision a été envoyée par télécopieur à la mauvaise clinique.",
            "information_concerned": "Nom, NAM, médicament demandé et décision pour une personne assurée.",
            "persons_count": 1,
            "harm_risk": HarmRisk.NO,
            "risk_assessment": (
                "La clinique destinataire a confirmé par écrit la destruction du document le jour même ; "
                "le risque de préjudice sérieux est jugé faible."
            ),
            "notifications_details": "Aucun avis requis : pas de risque de préjudice sérieux.",
            "measures_taken": "Rappel de la procédure de vérification des numéros de télécopieur.",
        },
    ),
    (
        "CE100005",
        4,
        {
            "description": (
                "A reviewer opened the requests of an insured person who shares the name of a relative, "
                "without a request to assess."
            ),
            "information_concerned": "Name, health insurance number and the drugs asked for, for one person.",
            "persons_count": 1,
            "harm_risk": HarmRisk.UNDER_ASSESSMENT,
            "risk_assessment": (
                "The access was found by the unusual-access signals the next morning; the reviewer's "
                "statement is awaited before the risk is assessed."
            ),
            "notifications_details": "",
            "measures_taken": "Access reviewed with the reviewer's manager; reminder of the rules of access.",
        },
    ),
)


def seed(stdout: Any) -> None:
    _seed_incidents(stdout)
    # The demo world's trail is linked and anchored at once, as the chainer of `make run` would within
    # seconds; its events were recorded in the past (time travel), so verify_audit would otherwise see
    # a backlog far older than the chainer ever leaves.
    result = link_pending()
    Anchorer().maybe_write(result.head_seq, result.head_hash, now=timezone.now(), force=True)
    stdout.write(f"Audit chain: {result.linked} events linked, head #{result.head_seq}.")


def _seed_incidents(stdout: Any) -> None:
    import time_machine  # a development dependency, like the demo itself

    if ConfidentialityIncident.objects.exists():
        stdout.write("Demo incidents: already there.")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[i[0] for i in INCIDENTS])}
    made = 0
    for username, days_ago, values in INCIDENTS:
        officer = users.get(username)
        if officer is None:
            continue
        today = timezone.localdate()
        with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago - 2, hours=3), tick=False):
            create_incident(
                actor=officer,
                values={
                    "occurred_on": today - dt.timedelta(days=days_ago),
                    "occurred_until": None,
                    "discovered_on": today - dt.timedelta(days=days_ago - 1),
                    "persons_count_estimated": False,
                    "commission_notified_on": None,
                    "persons_notified_on": None,
                    **values,
                },
            )
        made += 1
    stdout.write(f"Demo incidents created: {made}.")
