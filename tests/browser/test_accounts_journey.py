"""Form 4313 in real Chromium, with JavaScript on and off, an axe-core scan on every page:
the prescriber asks for access → the person completes their part from the link in the e-mail file →
the access administrator (with a TOTP code) approves → the username reaches the prescriber and the
temporary password the person, by separate e-mail files → the person logs in, must choose a password,
and lands on their home page."""

from __future__ import annotations

import email
import re
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import _new_page, assert_accessible

PERSON_EMAIL = "chantal.roy@clinique-laurier.example"
NEW_PASSWORD = "ma phrase de passe bien à moi"


def read_mailbox(folder: Path) -> list[Message]:
    """Every message the file-based e-mail backend wrote (one file per connection, separated by dashes)."""
    messages = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip()))
    return messages


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def mail_to(folder: Path, address: str) -> list[Message]:
    return [m for m in read_mailbox(folder) if m["To"] == address]


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/fr/accounts/login/")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()


@pytest.fixture
def world(transactional_db, settings, tmp_path, password):
    from pme.accounts.models import Role
    from pme.accounts.tests.factories import PrescriberProfileFactory, UserFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    prescriber = PrescriberProfileFactory.create(
        user__username="dre.tremblay",
        user__first_name="Marie",
        user__last_name="Tremblay",
        user__email="marie.tremblay@clinique-laurier.example",
    ).user
    admin = UserFactory.create(username="CE100003", role=Role.ACCESS_ADMIN, first_name="Hélène")
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    return {"prescriber": prescriber, "admin": admin, "device": device, "mail": tmp_path / "mail"}


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_access_request_journey(chromium, live_server, settings, world, password, js):
    settings.PME_SITE_URL = live_server.url
    base = live_server.url
    prescriber, admin, device, mailbox = world["prescriber"], world["admin"], world["device"], world["mail"]

    # 1. The prescriber fills the Authorization part.
    page = _new_page(chromium, javascript=js)
    log_in(page, base, prescriber.username, password)
    page.get_by_role("link", name="Mes adjoints").first.click()
    assert page.locator("h1").inner_text() == "Mes adjoints"
    assert_accessible(page)
    page.get_by_role("link", name="Demander un accès pour un nouvel adjoint").click()
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre la demande").click()  # empty: errors first
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Prénom de la personne").fill("Chantal")
    page.get_by_label("Nom de la personne", exact=True).fill("Roy")
    page.get_by_label("Adresse courriel personnelle de la personne").fill(PERSON_EMAIL)
    page.get_by_label("Français").check()
    page.get_by_label("Personnel administratif").check()
    page.get_by_label("Clinique ou établissement").fill("Clinique Laurier")
    page.get_by_label("Consulter les demandes", exact=True).check()
    page.get_by_label("J'atteste que cette personne travaille sous ma direction", exact=False).check()
    page.get_by_label("J'atteste que la personne ne partagera pas", exact=False).check()
    page.get_by_role("button", name="Transmettre la demande").click()
    assert "En attente que la personne remplisse sa partie" in page.locator("main").inner_text()
    assert_accessible(page)
    page.context.close()

    # 2. The person opens the link found in the e-mail file and fills the User part.
    (invitation,) = mail_to(mailbox, PERSON_EMAIL)
    link = re.search(r"http://\S+/access-requests/complete/\S+/", text_of(invitation))
    assert link, text_of(invitation)
    page = _new_page(chromium, javascript=js)
    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "Votre accès au service en ligne PME"
    assert_accessible(page)
    page.get_by_label("Votre fonction").fill("Adjointe administrative")
    page.get_by_label("J'ai lu l'engagement de confidentialité et je l'accepte.").check()
    page.get_by_role("button", name="Transmettre ma partie").click()
    assert page.locator("h1").inner_text() == "Votre partie est transmise"
    assert_accessible(page)
    page.context.close()

    # 3. The access administrator logs in with a TOTP code and approves.
    page = _new_page(chromium, javascript=js)
    log_in(page, base, admin.username, password)
    assert page.locator("h1").inner_text() == "Entrez votre code"
    assert_accessible(page)
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("link", name="Demandes d'accès").first.click()
    assert "Aujourd'hui, nous traitons les demandes reçues le" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Chantal Roy").click()
    assert_accessible(page)
    page.get_by_role("button", name="Approuver et créer le compte").click()
    assert "Approuvée" in page.locator("main").inner_text()
    assert_accessible(page)
    page.context.close()

    # 4. The username reaches the prescriber, the temporary password the person, separately.
    (to_prescriber,) = mail_to(mailbox, prescriber.email)
    to_person = mail_to(mailbox, PERSON_EMAIL)[-1]
    username = re.search(r"\b(CE[0-9]{6})\b", text_of(to_prescriber)).group(1)  # type: ignore[union-attr]
    temporary = re.search(r"^\s{4}(\S+)$", text_of(to_person), re.M).group(1)  # type: ignore[union-attr]
    assert temporary not in text_of(to_prescriber)
    assert username not in text_of(to_person)

    # 5. The person logs in, must choose a password, then lands on their home page.
    page = _new_page(chromium, javascript=js)
    log_in(page, base, username, temporary)
    assert page.locator("h1").inner_text() == "Choisissez votre mot de passe"
    assert_accessible(page)
    page.goto(f"{base}/fr/accounts/prescribers/")  # nothing else opens
    assert page.locator("h1").inner_text() == "Choisissez votre mot de passe"
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe, de nouveau").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    assert page.url == f"{base}/fr/"
    assert "Vous êtes connecté à titre de : Adjoint administratif." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Mes prescripteurs").first.click()
    assert "Marie Tremblay" in page.locator("main").inner_text()
    assert_accessible(page)
    page.context.close()
