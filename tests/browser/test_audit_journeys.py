"""The privacy officer's journey through the audit trail, in real Chromium, with and without JavaScript:
log in, search the trail by NAM, get the "who accessed this person" report, open the incident register
and register an incident. Every page passes the axe-core scan.

Later issues add their own pages to this report's journey (their events show up in the report)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.audit.codes import AuditCode
from tests.browser.conftest import assert_accessible

NAM_TYPED = "GIRR 7204 1523"


@pytest.fixture
def audit_world(transactional_db):
    from pme.accounts.models import Role
    from pme.accounts.tests.factories import PrescriberProfileFactory, UserFactory
    from pme.audit.services import record
    from pme.core.nam import NAM

    officer = UserFactory(
        username="CE100004", role=Role.PRIVACY_OFFICER, first_name="Robert", last_name="Girard"
    )
    prescriber = PrescriberProfileFactory(user__first_name="Marie", user__last_name="Tremblay").user
    assistant = UserFactory(username="adjointe.roy", role=Role.COLLABORATOR)
    nam = NAM.parse(NAM_TYPED)
    record(AuditCode.REQUEST_VIEWED, actor=assistant, nam=nam, on_behalf_of=prescriber)
    record(AuditCode.INSURED_SEARCHED, actor=assistant, nam=NAM.parse("TREM 8503 1512"))
    return officer


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_privacy_officer_reviews_accesses_and_registers_an_incident(
    request, live_server, audit_world, password, js
):
    page = request.getfixturevalue("page" if js else "page_nojs")
    device = TOTPDevice.objects.create(user=audit_world, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("Nom d'utilisateur").fill(audit_world.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    # Régie staff confirm with a code from their authentication app.
    assert page.locator("h1").inner_text() == "Entrez votre code"
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continuer").click()

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Journal des accès"
    ).click()
    assert page.locator("h1").inner_text() == "Chercher dans le journal des accès"
    assert_accessible(page)

    # Search the trail by NAM: typed in a form, never in the address.
    page.get_by_label("Numéro d'assurance maladie (NAM)").fill(NAM_TYPED)
    page.get_by_role("button", name="Rechercher").click()
    assert "7204" not in page.url
    assert "GIRR ···· ··23" in page.locator(".search-summary").inner_text()
    table = page.get_by_role("table", name="Événements, du plus récent au plus ancien")
    assert table.locator("tbody tr").count() == 1
    assert "adjointe.roy" in table.inner_text()
    assert_accessible(page)

    # A typo in the NAM gets a clear message, linked from the error summary.
    page.get_by_role("link", name="Qui a consulté une personne").click()
    page.get_by_label("Numéro d'assurance maladie (NAM)").fill("GIRR 7204")
    page.get_by_role("button", name="Afficher le rapport").click()
    assert "4 lettres et 8 chiffres" in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    # Who accessed this person's information.
    today = timezone.localdate()
    page.get_by_label("Numéro d'assurance maladie (NAM)").fill(NAM_TYPED)
    page.get_by_label("Du", exact=True).fill((today - dt.timedelta(days=7)).isoformat())
    page.get_by_label("Au (inclus)").fill(today.isoformat())
    page.get_by_role("button", name="Afficher le rapport").click()
    assert "7204" not in page.url
    assert page.locator("h2").first.inner_text() == "Rapport pour GIRR ···· ··23"
    report = page.get_by_role("table", name="Accès aux renseignements de cette personne")
    rows = report.locator("tbody tr")
    # The officer's own search of this NAM, a minute ago, is an access too: it is listed first.
    assert rows.count() == 2
    assert "Recherche dans le journal des accès" in rows.nth(0).inner_text()
    assert "CE100004" in rows.nth(0).inner_text()
    text = rows.nth(1).inner_text()
    assert "Consultation d'une demande d'autorisation de paiement" in text
    assert "adjointe.roy" in text
    assert "Adjointe ou adjoint administratif" in text
    assert "Marie Tremblay" in text  # on whose behalf
    assert page.get_by_role("link", name="Télécharger ce rapport (CSV)").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Rapport annuel").click()
    assert page.get_by_role("table").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Accès inhabituels").click()
    assert page.locator("h1").inner_text() == "Accès inhabituels"
    assert_accessible(page)

    # The incident register: an empty form first, then a complete one.
    page.get_by_role("link", name="Registre des incidents").click()
    assert "Aucun incident n'a été inscrit." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Inscrire un incident").click()
    page.get_by_role("button", name="Inscrire l'incident").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Date de l'incident").fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Date de la découverte").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Circonstances").fill("Courriel envoyé au mauvais destinataire.")
    page.get_by_label("Renseignements personnels visés").fill("Nom et NAM d'une personne assurée.")
    page.get_by_label("Nombre de personnes visées").fill("1")
    page.get_by_label("Évaluation du risque").fill("Destinataire de confiance ; courriel supprimé.")
    page.get_by_label("Mesures prises").fill("Confirmation écrite de la suppression.")
    page.get_by_role("button", name="Inscrire l'incident").click()
    year = today.year
    assert page.locator("h1").inner_text() == f"Incident INC-{year}-001"
    assert f"Incident INC-{year}-001 inscrit." in page.get_by_role("status").inner_text()
    assert_accessible(page)
