"""The demo world leaves a valid chain, and running seed_demo again keeps it valid."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from pme.audit.models import AuditEvent, ConfidentialityIncident


@pytest.mark.django_db
def test_seed_demo_leaves_a_valid_chain():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    count = AuditEvent.objects.count()
    assert count > 10
    assert f"Audit chain intact: {count} events checked" in out.getvalue()
    assert ConfidentialityIncident.objects.count() == 1
