"""The panorama's journey, as real people do it, in Chromium with JavaScript on and off: a prescriber
asks for access for an assistant (form 4313), the assistant fills their part, the Régie approves, the
assistant logs in with the username the prescriber received and the temporary password they received,
chooses a password, opens the panorama and finds exactly the three requests of the last 90 days from
their prescriber. When the prescriber removes them, the same results page shows nothing.

Only the requests and the Régie's decisions on them are set up directly (the review pages are another
issue's); each request is sent through the service under a frozen clock."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts.models import Role
from pme.accounts.tests.factories import PrescriberProfileFactory, UserFactory
from pme.consultation.tests.factories import accept, ask_information, days_ago, refuse, sent_at
from tests.browser.conftest import _new_page, assert_accessible

ASSISTANT_PASSWORD = "a long passphrase for the clinic 2026"


@pytest.fixture
def cast(transactional_db: Any, password: str) -> dict[str, Any]:
    prescriber = PrescriberProfileFactory.create(
        user__username="dre.tremblay", user__first_name="Marie", user__last_name="Tremblay"
    ).user
    other = PrescriberProfileFactory.create(user__first_name="Louis", user__last_name="Gagnon").user
    admin = UserFactory.create(username="CE100003", role=Role.ACCESS_ADMIN)
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    requests = {
        10: accept(
            sent_at(days_ago(10), prescriber),
            start=days_ago(9).date(),
            end=days_ago(9).date() + dt.timedelta(days=364),
            quantity="1 inhaler a month",
        ),
        89: refuse(sent_at(days_ago(89), prescriber), "No trial of an inhaled corticosteroid."),
        90: ask_information(sent_at(days_ago(90, hour=0), prescriber), "Attach the lung function test."),
        91: sent_at(days_ago(91, hour=23), prescriber),  # 23:00 the day before the window opens
        0: sent_at(days_ago(10), other),  # same person, another prescriber
    }
    return {"prescriber": prescriber, "admin": admin, "requests": requests}


def log_in(page: Any, base: str, username: str, password: str) -> None:
    """Logs in from the English page; a login lands in the user's own language (French for these
    users), so the journey then switches back to English."""
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if "/fr/" in page.url:  # the page, and the page to go to after the second factor
        page.goto(page.url.replace("/fr/", "/en/").replace("%2Ffr%2F", "%2Fen%2F"))


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()


def menu(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=name).click()


def row_of(page: Any, number: str) -> str:
    return str(page.get_by_role("row").filter(has_text=number).inner_text())


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_assistant_gets_access_and_sees_the_90_days_of_their_prescriber(
    request: Any, chromium: Any, live_server: Any, cast: dict[str, Any], password: str, js: bool
) -> None:
    page = request.getfixturevalue("page" if js else "page_nojs")
    base = live_server.url
    requests = cast["requests"]

    # The prescriber asks for access for their assistant (form 4313, authorization part).
    log_in(page, base, "dre.tremblay", password)
    menu(page, "My assistants")
    page.get_by_role("link", name="Ask for access for a new assistant").click()
    page.get_by_label("The person's first name").fill("Chantal")
    page.get_by_label("The person's last name").fill("Roy")
    page.get_by_label("The person's own e-mail address").fill("chantal.roy@clinique.example")
    page.get_by_label("English").check()
    page.get_by_label("Administrative staff").check()
    page.get_by_label("View requests", exact=True).check()
    page.get_by_label("Clinic or establishment", exact=True).fill("Clinique Laurier")
    page.get_by_label("I attest that this person works under my direction").check()
    page.get_by_label("I attest that the person will not share their credentials").check()
    page.get_by_role("button", name="Send the request").click()
    log_out(page)

    # The person follows the one-time link of their e-mail and fills the user part.
    link = re.search(r"https?://[^/\s]+(/\S+/access-requests/complete/\S+/)", str(mail.outbox[-1].body))
    assert link is not None
    page.goto(f"{base}{link.group(1)}")
    page.get_by_label("Your first name").fill("Chantal")
    page.get_by_label("Your last name").fill("Roy")
    page.get_by_label("Your job title").fill("Administrative assistant")
    page.get_by_label("I have read the confidentiality commitment and I accept it.").check()
    page.get_by_role("button", name="Send my part").click()

    # The Régie's access administrator approves it (second factor from their authenticator app).
    log_in(page, base, "CE100003", password)
    device = TOTPDevice.objects.get(user=cast["admin"])
    page.get_by_label("Code").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    menu(page, "Access requests")
    page.get_by_role("link", name="Chantal Roy").click()
    page.get_by_role("button", name="Approve and create the account").click()
    log_out(page)

    # The username went to the prescriber, the temporary password to the person.
    prescriber_mail = next(m for m in mail.outbox if m.to == [cast["prescriber"].email])
    person_mail = next(m for m in reversed(mail.outbox) if m.to == ["chantal.roy@clinique.example"])
    username = re.search(r"^\s{4}(CE\d{6})$", str(prescriber_mail.body), re.M).group(1)  # type: ignore[union-attr]
    temporary = re.search(r"^\s{4}(\S+)$", str(person_mail.body), re.M).group(1)  # type: ignore[union-attr]

    # The assistant logs in, chooses a password, and opens the panorama from the menu.
    log_in(page, base, username, temporary)
    page.get_by_label("New password", exact=True).fill(ASSISTANT_PASSWORD)
    page.get_by_label("New password, again").fill(ASSISTANT_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    menu(page, "View requests by insured person")
    assert page.locator("h1").inner_text() == "View requests by insured person"
    assert_accessible(page)
    page.get_by_label("Health insurance number (NAM)").fill("trem 8553 1512")
    page.get_by_role("button", name="Search").click()
    assert "TREM" not in page.url
    assert "8553" not in page.url
    assert_accessible(page)

    found = re.findall(r"\b20\d\d-\d{6}\b", page.locator("main").inner_text())
    assert found == [requests[10].number, requests[89].number, requests[90].number]
    accepted, refused, asked = (row_of(page, requests[d].number) for d in (10, 89, 90))
    assert "Accepted" in accepted
    assert "1 inhaler a month" in accepted
    assert "Authorized from" in accepted
    assert "Refused" in refused
    assert "No trial of an inhaled corticosteroid." in refused
    assert "Clarification needed" in asked
    assert "Attach the lung function test." in asked
    assert "Not answered yet." in asked
    for line in (accepted, refused, asked):
        assert "2 inhalations twice a day" in line

    # The page can be refreshed without resubmitting: same results.
    page.reload()
    assert re.findall(r"\b20\d\d-\d{6}\b", page.locator("main").inner_text()) == found

    # The prescriber removes the assistant, in their own browser.
    other = _new_page(chromium, javascript=js)
    try:
        log_in(other, base, "dre.tremblay", password)
        menu(other, "My assistants")
        other.get_by_role("link", name="Remove Chantal Roy").click()  # asks for a confirmation first
        assert other.locator("h1").inner_text() == "Remove Chantal Roy?"
        assert_accessible(other)
        other.get_by_role("button", name="Yes, remove Chantal Roy").click()
        assert "Chantal Roy no longer has access to your requests." in other.locator("main").inner_text()
    finally:
        other.context.close()

    # The same search, on the assistant's next page, shows nothing.
    page.reload()
    main = page.locator("main").inner_text()
    assert re.findall(r"\b20\d\d-\d{6}\b", main) == []
    assert "No request in the last 90 days for this person from your prescribers." in main
    assert_accessible(page)
