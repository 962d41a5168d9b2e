"""The demo world: believable people in every role, French- and English-speaking (`language`)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "exception-demo-2026"
JOINED_DAYS_AGO = 475  # the demo accounts exist before the demo's fifteen months of requests


@dataclass(frozen=True)
class DemoPerson:
    username: str
    role: str
    first_name: str
    last_name: str
    email: str
    language: str = "fr"
    extra: dict[str, str] = field(default_factory=dict)
    note: str = ""


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "dre.tremblay",
        "prescriber",
        "Marie",
        "Tremblay",
        "marie.tremblay@clinique-laurier.example",
        extra={"profession": "general_practitioner", "professional_number": "1234561"},
        note="Omnipraticienne, Clinique Laurier",
    ),
    DemoPerson(
        "dr.gagnon",
        "prescriber",
        "Louis",
        "Gagnon",
        "louis.gagnon@chu-nord.example",
        "en",
        extra={"profession": "specialist", "professional_number": "1765432"},
        note="Specialist, CHU Nord (English)",
    ),
    DemoPerson(
        "ips.lavoie",
        "prescriber",
        "Julie",
        "Lavoie",
        "julie.lavoie@clinique-laurier.example",
        extra={"profession": "nurse_practitioner", "professional_number": "2345678"},
        note="IPS, Clinique Laurier",
    ),
    DemoPerson(
        "adjointe.roy",
        "collaborator",
        "Chantal",
        "Roy",
        "chantal.roy@clinique-laurier.example",
        note="Adjointe de Dre Tremblay et d'IPS Lavoie",
    ),
    DemoPerson(
        "adjoint.cote",
        "collaborator",
        "Marc",
        "Côté",
        "marc.cote@chu-nord.example",
        "en",
        note="Assistant of Dr Gagnon, CHU Nord (English)",
    ),
    DemoPerson(
        "pharm.bouchard",
        "pharmacist",
        "Sophie",
        "Bouchard",
        "sophie.bouchard@pharmacie.example",
        extra={"professional_number": "3456789", "pharmacy": "Pharmacie Bouchard, Sherbrooke"},
        note="Pharmacienne",
    ),
    DemoPerson(
        "CE100001",
        "reviewer",
        "Nadia",
        "Pelletier",
        "nadia.pelletier@regie.example",
        note="Pharmacienne évaluatrice",
    ),
    DemoPerson(
        "CE100002", "reviewer", "Paul", "Morin", "paul.morin@regie.example", "en", note="Reviewer (English)"
    ),
    DemoPerson(
        "CE100003",
        "access_admin",
        "Hélène",
        "Fortin",
        "helene.fortin@regie.example",
        note="Administratrice des accès",
    ),
    DemoPerson(
        "CE100004",
        "privacy_officer",
        "Robert",
        "Girard",
        "robert.girard@regie.example",
        note="Responsable de la protection des renseignements personnels",
    ),
    DemoPerson(
        "CE100005",
        "privacy_officer",
        "Emily",
        "Clarke",
        "emily.clarke@regie.example",
        "en",
        note="Privacy officer (English)",
    ),
)
