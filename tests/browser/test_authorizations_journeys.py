"""Request journeys in Chromium, with JavaScript on and off, and an axe scan of every page:
a collaborator drafts, the prescriber transmits (Awaiting processing); a codified request is accepted at
once and renewed; a request is withdrawn; a refused request gets a review request."""

from __future__ import annotations

import pytest

from pme.accounts.access_models import DelegationPermission
from pme.accounts.tests.factories import DelegationFactory, PrescriberProfileFactory, UserFactory
from pme.audit.codes import AuditCode
from pme.authorizations.lifecycle import Action
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.services import submit_request
from pme.authorizations.tests.factories import codified_indication, make_draft
from pme.authorizations.transitions import transition
from pme.catalogue.tests.factories import DrugFactory
from tests.browser.conftest import assert_accessible


@pytest.fixture
def world(transactional_db, password):
    prescriber = PrescriberProfileFactory.create(
        user__username="dre.tremblay", user__first_name="Marie", user__last_name="Tremblay"
    ).user
    assistant = UserFactory.create(
        username="adjointe.roy", role="collaborator", first_name="Chantal", last_name="Roy"
    )
    DelegationFactory.create(
        collaborator=assistant, prescriber=prescriber, permission=DelegationPermission.CONSULT_DRAFT
    )
    drug = DrugFactory.create(
        key="symbicort",
        generic_name_fr="budésonide/formotérol",
        generic_name_en="budesonide/formoterol",
        brand="Symbicort Turbuhaler",
    )
    indication = codified_indication(
        drug=drug, title_fr="MPOC modérée à grave", title_en="Moderate to severe COPD"
    )
    reviewer = UserFactory.create(username="CE200001", role="reviewer")
    return {"prescriber": prescriber, "assistant": assistant, "indication": indication, "reviewer": reviewer}


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.locator("[name=username]").fill(username)
    page.locator("[name=password]").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    assert "/accounts/login/" not in page.url, page.content()


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def fill_request(page, *, meets_criterion: bool):
    page.locator("[name=nam]").fill("trem 8553 1512")
    page.locator("[name=insured_last_name]").fill("Tremblay")
    page.locator("[name=insured_first_name]").fill("Julie")
    page.locator("[name=insured_birth_date]").fill("1985-03-15")
    page.locator(f"[name=criterion_exacerbations][value={'yes' if meets_criterion else 'no'}]").check()
    page.locator("[name=treatment_1_drug]").fill("tiotropium")
    page.locator("[name=treatment_1_duration]").fill("1 an")
    page.locator("[name=treatment_1_outcome]").select_option("ineffective")
    page.locator("[name=requested_start]").fill("2026-12-01")
    page.locator("[name=requested_duration]").fill("12")
    page.locator("[name=dosage]").fill("2 inhalations deux fois par jour")
    page.locator("[name=quantity]").fill("1 inhalateur")


def start_request(page, live_server, *, for_name: str | None = None):
    page.goto(f"{live_server.url}/fr/")
    page.get_by_role("link", name="Mes demandes").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Nouvelle demande").click()
    assert_accessible(page)
    page.get_by_label("Médicament : nom générique, marque, DIN ou code d'exception").fill("symbicort")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="budésonide/formotérol (Symbicort Turbuhaler)").click()
    assert_accessible(page)
    if for_name:
        page.get_by_role("link", name=f"Demander cette indication pour {for_name}").click()
    else:
        page.get_by_role("link", name="Demander cette indication").click()
    assert_accessible(page)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_collaborator_drafts_prescriber_transmits_then_withdraws(request, live_server, world, password, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    log_in(page, live_server, "adjointe.roy", password)
    start_request(page, live_server)
    assert page.get_by_role("button", name="Enregistrer comme brouillon").count() == 1
    assert page.get_by_role("button", name="Transmettre à la Régie").count() == 0  # only the prescriber sends
    fill_request(page, meets_criterion=False)
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    assert "Saisie par Chantal Roy" in page.locator("main").inner_text()
    assert "Brouillon" in page.locator("main").inner_text()
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server, "dre.tremblay", password)
    page.get_by_role("link", name="Mes demandes").first.click()
    page.get_by_role("link", name="Brouillon #").first.click()
    page.get_by_role("button", name="Transmettre à la Régie").click()
    main = page.locator("main").inner_text()
    assert "En attente de traitement" in main
    assert "ne satisfait pas aux critères" in main  # why it went to a reviewer: the criterion not met
    assert_accessible(page)
    auth_request = AuthorizationRequest.objects.get()
    assert auth_request.entered_by == world["assistant"]
    assert auth_request.transmitted_by == world["prescriber"]

    page.get_by_role("link", name="Annuler").click()
    assert_accessible(page)
    page.get_by_role("button", name="Annuler la demande").click()
    assert "Annulée" in page.locator("main").inner_text()
    auth_request.refresh_from_db()
    assert auth_request.status == "withdrawn"


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_codified_request_is_accepted_at_once_and_renewed(request, live_server, world, password, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    log_in(page, live_server, "dre.tremblay", password)
    start_request(page, live_server)
    fill_request(page, meets_criterion=True)
    page.get_by_role("button", name="Transmettre à la Régie").click()
    main = page.locator("main").inner_text()
    assert "Acceptée" in main
    assert "automatiquement" in main
    assert "1er décembre 2026" in main  # the first of the month is written 1er
    assert "30 novembre 2027" in main
    assert_accessible(page)

    page.get_by_role("button", name="Renouveler").click()
    assert page.locator("[name=request_type][value=renewal]").is_checked()
    assert page.locator("[name=requested_start]").input_value() == "2027-12-01"
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre à la Régie").click()
    assert "Acceptée" in page.locator("main").inner_text()
    renewal = AuthorizationRequest.objects.get(request_type="renewal")
    assert renewal.renewal_of is not None
    assert renewal.status == "accepted"


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_refused_request_gets_a_review_request(request, live_server, world, password, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    prescriber, reviewer = world["prescriber"], world["reviewer"]
    refused = submit_request(
        request_id=make_draft(prescriber, world["indication"], answers={"exacerbations": False}).pk,
        actor=prescriber,
    ).auth_request
    transition(refused, Action.TAKE, actor=reviewer, code=AuditCode.REQUEST_TAKEN)
    transition(
        refused,
        Action.REFUSE,
        actor=reviewer,
        note="Moins de 2 exacerbations.",
        code=AuditCode.REQUEST_REFUSED,
    )
    log_in(page, live_server, "dre.tremblay", password)
    page.goto(f"{live_server.url}/fr/requests/{refused.pk}/")
    assert "Refusée" in page.locator("main").inner_text()
    page.get_by_role("link", name="Demander une révision").click()
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre la demande de révision").click()  # empty: error summary
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.locator("[name=reason]").fill("Nouvelle exacerbation le 2 novembre; rapport joint.")
    page.get_by_role("button", name="Transmettre la demande de révision").click()
    assert "En traitement" in page.locator("main").inner_text()
    refused.refresh_from_db()
    assert refused.is_review
