"""Régie review in real Chromium, JavaScript on and off, an axe scan on every page:
a reviewer takes a request and asks for information; the prescriber sees it, answers; the reviewer
accepts with a shorter period than asked; the prescriber sees the acceptance, gets the e-mail and
downloads the letter; a refusal with a coded reason; the review of that refusal goes to another reviewer.

Régie staff need a second factor: their browser gets a session made by `client_for`, which verified it
(the TOTP pages themselves are the accounts app's journey). The prescriber logs in through the form.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from pme.accounts.models import User
from pme.authorizations.models import AuthorizationRequest
from pme.review.tests.factories import reason, reviewer_factory, sent_for_review
from tests.browser.conftest import _new_page, assert_accessible
from tests.personas import client_for


def staff_page(chromium: Any, live_server: Any, user: User, *, javascript: bool) -> Any:
    page = _new_page(chromium, javascript=javascript)
    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


@pytest.fixture
def journey(transactional_db, password):
    from pme.accounts.tests.factories import PrescriberProfileFactory

    prescriber: User = PrescriberProfileFactory.create(
        user__username="dr.gagnon", user__first_name="Louis", user__last_name="Gagnon", user__language="en"
    ).user
    first = sent_for_review(prescriber)
    second = sent_for_review(prescriber)
    return {
        "prescriber": prescriber,
        "first": first,
        "second": second,
        "reviewer": reviewer_factory("CE300001", first_name="Nadia", last_name="Bélanger"),
        "other_reviewer": reviewer_factory("CE300002", first_name="Paul", last_name="Ouellet"),
        "reason": reason(),
    }


def step(page: Any, url: str) -> None:
    page.goto(url)
    assert_accessible(page)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_review_journey(chromium, live_server, journey, password, js):
    base = live_server.url
    first: AuthorizationRequest = journey["first"]
    second: AuthorizationRequest = journey["second"]
    reviewer = staff_page(chromium, live_server, journey["reviewer"], javascript=js)
    prescriber = _new_page(chromium, javascript=js, language="en-CA")
    try:
        # The reviewer takes the request and asks for information.
        step(reviewer, f"{base}/fr/review/")
        assert reviewer.locator("h1").inner_text() == "File d'évaluation"
        reviewer.get_by_role("link", name=first.number).click()
        assert_accessible(reviewer)
        reviewer.get_by_role("button", name="Prendre cette demande").click()
        assert "Vous avez pris la demande" in reviewer.locator("main").inner_text()
        reviewer.get_by_role("link", name="Demander des précisions").click()
        assert_accessible(reviewer)
        reviewer.get_by_label("Questions pour le prescripteur").fill("Résultat de la spirométrie?")
        reviewer.get_by_role("button", name="Envoyer les questions").click()
        assert "attend la réponse du prescripteur" in reviewer.locator("main").inner_text()
        assert_accessible(reviewer)

        # The prescriber sees "Clarification needed" (À préciser) and answers.
        prescriber.goto(f"{base}/en/accounts/login/")
        prescriber.get_by_label("Username").fill("dr.gagnon")
        prescriber.get_by_label("Password").fill(password)
        prescriber.get_by_role("button", name="Log in").click()
        step(prescriber, f"{base}/en/requests/{first.pk}/")
        assert (
            prescriber.locator(".lead .status-information_requested").inner_text() == "Clarification needed"
        )
        prescriber.get_by_role("link", name="Answer the request for information").click()
        assert "Résultat de la spirométrie?" in prescriber.locator("main").inner_text()
        assert_accessible(prescriber)
        prescriber.get_by_label("Your answer").fill("FEV1 at 55 %.")
        prescriber.get_by_role("button", name="Send the answer").click()

        # The reviewer accepts for 6 months instead of the 12 asked.
        step(reviewer, f"{base}/fr/review/{first.pk}/")
        reviewer.get_by_role("link", name="Accepter", exact=True).click()
        assert_accessible(reviewer)
        assert reviewer.get_by_label("Autorisée jusqu'au").input_value() == "2027-11-30"
        reviewer.get_by_label("Autorisée jusqu'au").fill("2027-05-31")
        reviewer.get_by_role("button", name="Accepter et aviser le prescripteur").click()
        assert "acceptée en partie" in reviewer.locator("main").inner_text()

        # The prescriber sees the acceptance, has the e-mail and downloads the letter.
        step(prescriber, f"{base}/en/requests/{first.pk}/")
        main = prescriber.locator("main").inner_text()
        assert prescriber.locator(".lead .status-accepted").inner_text() == "Accepted"
        assert "31 May 2027" in main
        assert "1 inhaler" in main
        assert "Partial acceptance" in main
        sent = [m for m in mail.outbox if m.to == [journey["prescriber"].email]]
        assert [m.subject for m in sent][-1] == f"PME: decision on request {first.number}"
        with prescriber.expect_download() as download:
            prescriber.get_by_role(
                "link", name=f"Download the decision letter for request {first.number} (PDF)"
            ).click()
        with open(download.value.path(), "rb") as letter:
            assert letter.read(5) == b"%PDF-"

        # A refusal with a coded reason, tied to the unmet criterion.
        step(reviewer, f"{base}/fr/review/{second.pk}/")
        reviewer.get_by_role("button", name="Prendre cette demande").click()
        reviewer.get_by_role("link", name="Refuser", exact=True).click()
        assert_accessible(reviewer)
        reviewer.get_by_label("Motif 1", exact=True).select_option(str(journey["reason"].pk))
        reviewer.get_by_label("Critère non rempli (motif 1)").select_option("exacerbations")
        reviewer.get_by_label("Explication pour le prescripteur").fill("Il faut au moins 2 exacerbations.")
        reviewer.get_by_role("button", name="Refuser et aviser le prescripteur").click()
        assert "est refusée" in reviewer.locator("main").inner_text()

        # The prescriber reads the reason and asks for a review.
        step(prescriber, f"{base}/en/requests/{second.pk}/")
        assert "criterion not met: At least 2 exacerbations?" in prescriber.locator("main").inner_text()
        prescriber.get_by_role("link", name="Ask for a review").click()
        prescriber.get_by_label("Why should the decision be reviewed?").fill("A second exacerbation in May.")
        prescriber.get_by_role("button", name="Send the request for review").click()

        # The reviewer who refused cannot take the review; another reviewer does.
        step(reviewer, f"{base}/fr/review/{second.pk}/")
        assert reviewer.get_by_role("button", name="Prendre cette demande").count() == 0
        assert "sa révision doit être évaluée par un autre agent" in reviewer.locator("main").inner_text()
        other = staff_page(chromium, live_server, journey["other_reviewer"], javascript=js)
        try:
            step(other, f"{base}/fr/review/")
            assert "Révision" in other.locator("table").inner_text()
            other.get_by_role("link", name=second.number).click()
            other.get_by_role("button", name="Prendre cette demande").click()
            assert "Vous avez pris la demande" in other.locator("main").inner_text()
            assert_accessible(other)
            step(other, f"{base}/fr/review/metrics/")
            assert other.locator("svg[role=img]").count() == 2
        finally:
            other.context.close()
    finally:
        reviewer.context.close()
        prescriber.context.close()
