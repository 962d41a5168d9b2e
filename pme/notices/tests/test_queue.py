"""Queueing a notice: nothing is written for nobody, and an unknown kind fails in the caller."""

from __future__ import annotations

import pytest

from pme.notices import services
from pme.notices.models import Notice


@pytest.mark.django_db
def test_an_unknown_kind_fails_in_the_callers_transaction(prescriber):
    with pytest.raises(LookupError):
        services.queue("no.such.kind", recipient=prescriber)
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_nobody_to_write_to_writes_nothing(prescriber):
    prescriber.is_active = False
    prescriber.save()
    assert services.queue("authorizations.expiry", recipient=prescriber) is None
    assert services.queue("authorizations.expiry", address="") is None
    assert not Notice.objects.exists()
