"""The demo world leaves a valid chain, and running seed_demo again keeps it valid."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from pme.audit.models import AuditEvent, ConfidentialityIncident


@pytest.mark.django_db
def test_seed_demo_leaves_a_valid_chain(settings, monkeypatch):
    from pme.review import demo as review_demo

    settings.DEBUG = True  # the development settings: seed_demo refuses to run without them
    for name, value in (("SENT", 20), ("FRESH", 4), ("LATE", 1), ("DRAFTS", 2)):
        monkeypatch.setattr(review_demo, name, value)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    count = AuditEvent.objects.count()
    assert count > 10
    assert f"Audit chain intact: {count} events checked" in out.getvalue()
    assert ConfidentialityIncident.objects.count() == 2  # one in each language
