"""The letters as printed: a demo decision letter's PDF text in both languages (the formatted NAM, the
date as the pages write it), the preview of a decision not saved yet, and the assistance contacts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone, translation

from pme.accounts.letters import temporary_password_letter, username_letter
from pme.core.dates import long_date
from pme.core.letters import ASSISTANCE_EMAIL, ASSISTANCE_PHONES
from pme.core.timeutils import REGIE_TZ
from pme.review.letters import LetterDraft, decision_letter, draft_letter
from pme.review.models import Decision, DecisionKind
from pme.review.selectors import reason_lines
from tests.test_demo_walk import small_demo

ROOT = Path(__file__).resolve().parent.parent


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def halves(text: str, first: str) -> tuple[str, str]:
    """The French and the English part of a bilingual letter (the prescriber's language comes first)."""
    marker = "Payment authorization:" if first == "fr" else "Autorisation de paiement"
    cut = text.index(marker)
    return (text[:cut], text[cut:]) if first == "fr" else (text[cut:], text[:cut])


@pytest.mark.django_db
def test_a_demo_decision_letter_shows_the_formatted_nam_and_the_date_in_both_languages(monkeypatch, settings):
    small_demo(monkeypatch, settings)
    julie = Decision.objects.filter(auth_request__nam="TREM85531512", kind=DecisionKind.ACCEPTED).first()
    english = (
        Decision.objects.filter(
            auth_request__prescriber__username="dr.gagnon", kind=DecisionKind.REFUSED
        ).first()
        or Decision.objects.filter(auth_request__prescriber__username="dr.gagnon")
        .exclude(kind=DecisionKind.INFORMATION_REQUESTED)
        .first()
    )
    assert julie is not None
    assert english is not None
    for decision, first in ((julie, "fr"), (english, "en")):
        text = pdf_text(decision_letter(decision))
        french, other = halves(text, first)
        formatted = decision.auth_request.nam_value.formatted()
        assert f"NAM {formatted}" in french
        assert f"NAM {formatted}" in other
        assert "bound method" not in text
        day = decision.created_at.astimezone(REGIE_TZ).date()
        assert f"Québec, le {long_date(day, 'fr')}" in french
        assert f"Québec City, {long_date(day, 'en')}" in other
        assert re.search(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b", other)  # "1 December 2026", not "Dec. 1, 2026"
        for number, _where in ASSISTANCE_PHONES:
            assert number in text
        assert decision.reviewer.get_full_name() in text  # the signature
    assert "TREM 8553 1512" in pdf_text(decision_letter(julie))


@pytest.mark.django_db
def test_the_preview_of_an_unsaved_decision_is_the_letter_the_decision_will_have(monkeypatch, settings):
    small_demo(monkeypatch, settings)
    decision = Decision.objects.filter(kind=DecisionKind.REFUSED).order_by("-created_at").first()
    assert decision is not None
    count = Decision.objects.count()
    preview = draft_letter(
        decision.auth_request,
        LetterDraft(kind=decision.kind, reasons=tuple(reason_lines(decision)), text=decision.text),
        reviewer=decision.reviewer,
    )
    assert Decision.objects.count() == count  # nothing saved
    with translation.override("fr"):
        saved_on = timezone.localdate()
    if decision.created_at.astimezone(REGIE_TZ).date() == saved_on:
        assert pdf_text(preview) == pdf_text(decision_letter(decision))
    else:  # the preview is dated today; everything else is the same letter
        assert pdf_text(preview).count(decision.auth_request.nam_value.formatted()) == 2
    with pytest.raises(ValueError):
        draft_letter(decision.auth_request, LetterDraft(kind=DecisionKind.INFORMATION_REQUESTED))


def test_the_accounts_letters_carry_the_date_the_contacts_and_a_signature():
    issued = timezone.now()
    text = pdf_text(
        username_letter(
            person_name="Karine Boucher",
            username="CE123456",
            prescriber_name="Marie Tremblay",
            issued_at=issued,
        )
    )
    day = issued.astimezone(REGIE_TZ).date()
    assert f"Québec, le {long_date(day, 'fr')}" in text
    assert f"Québec City, {long_date(day, 'en')}" in text
    assert "CE123456" in text
    assert ASSISTANCE_EMAIL in text
    assert "Administration des accès" in text
    text = pdf_text(
        temporary_password_letter(
            person_name="Karine Boucher", password="abcd-efgh-jkmn-pqrs", expires_at=issued
        )
    )
    assert "abcd-efgh-jkmn-pqrs" in text
    assert "1 800 463-4776" in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_letters_give_the_numbers_of_the_help_contact_page(language):
    page = (ROOT / "pme/portal/templates/help" / language / "contact.html").read_text()
    shown = set(re.findall(r">(1 800 \d{3}-\d{4}|\d{3} \d{3}-\d{4})<", page))
    assert shown == {number for number, _where in ASSISTANCE_PHONES}
    assert ASSISTANCE_EMAIL in page
