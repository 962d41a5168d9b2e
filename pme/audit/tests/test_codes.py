"""The registry of audit codes: every code has a sentence in both languages, and nothing else can be
recorded."""

from __future__ import annotations

import pytest
from django.utils import translation

from pme.audit.codes import SENTENCES, AuditCode, describe
from pme.audit.models import AuditEvent
from pme.audit.services import record


def test_every_code_has_a_sentence():
    assert set(SENTENCES) == set(AuditCode)


@pytest.mark.parametrize("code", list(AuditCode))
def test_every_sentence_reads_in_french_and_english(code):
    with translation.override("en"):
        english = describe(code)
    with translation.override("fr"):
        french = describe(code)
    assert english != code.value
    assert french != english, f"{code.value}: no French sentence"


def test_codes_are_unique():
    values = [code.value for code in AuditCode]
    assert len(values) == len(set(values))


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["request.viewed", "something.new", ""])
def test_a_free_string_cannot_be_recorded(action):
    with pytest.raises(ValueError, match="unknown audit action"):
        record(action, actor=None)
    assert AuditEvent.objects.count() == 0


def test_a_stored_code_no_longer_registered_is_shown_as_stored():
    assert describe("something.retired") == "something.retired"
