"""A refusal decided in the review app reaches the panorama with its coded reasons, in the reader's
language (the panorama cannot import the review app: the reasons travel on the request)."""

from __future__ import annotations

import html

import pytest

from pme.consultation.tests.test_panorama import main, search
from tests.personas import client_for


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_coded_reasons_and_free_text_are_shown(refused_decision, collaborator, language):
    text = html.unescape(main(search(client_for(collaborator), language=language)))
    reason = refused_decision.reason_lines.get().reason
    assert (reason.text_fr if language == "fr" else reason.text_en) in text
    assert "The necessity is not shown." in text
    assert refused_decision.auth_request.number in text
