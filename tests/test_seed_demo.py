"""`seed_demo` builds a believable world, is idempotent, and leaves a valid audit chain."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from pme.authorizations import demo as request_demo
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_world(monkeypatch):
    monkeypatch.setattr(request_demo, "TARGET", 20)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = AuthorizationRequest.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert AuthorizationRequest.objects.count() == first == 20
    statuses = set(AuthorizationRequest.objects.values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.ACCEPTED, Status.REFUSED, Status.INFORMATION_REQUESTED} <= statuses
    julie = AuthorizationRequest.objects.filter(nam="TREM85531512", prescriber__username="dre.tremblay")
    assert julie.count() == len(request_demo.JULIE)
    assert "exception-demo-2026" in out.getvalue()
    call_command("verify_audit", stdout=io.StringIO())  # raises on a broken chain
