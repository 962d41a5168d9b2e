from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts.models import User
from pme.accounts.selectors import can_draft_for, prescribers_for


def small_world(monkeypatch: pytest.MonkeyPatch) -> None:
    from pme.review import demo as review_demo

    for name, value in (("SENT", 20), ("FRESH", 4), ("LATE", 1), ("DRAFTS", 2)):
        monkeypatch.setattr(review_demo, name, value)


@pytest.mark.django_db
def test_seed_links_the_demo_assistants_and_is_idempotent(settings, monkeypatch):
    settings.DEBUG = True
    small_world(monkeypatch)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    roy = User.objects.get(username="adjointe.roy")
    assert sorted(u.username for u in prescribers_for(roy)) == ["dre.tremblay", "ips.lavoie"]
    assert can_draft_for(roy, User.objects.get(username="dre.tremblay"))
    assert [u.username for u in prescribers_for(User.objects.get(username="adjoint.cote"))] == ["dr.gagnon"]
    assert TOTPDevice.objects.filter(user__username="CE100003", confirmed=True).count() == 1
    out = io.StringIO()
    call_command("demo_totp_code", "CE100003", stdout=out)
    assert out.getvalue().split()[0].isdigit()


@pytest.mark.django_db
def test_no_demo_second_factor_and_no_code_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):  # no demo at all outside the development settings
        call_command("seed_demo", stdout=io.StringIO())
    assert not TOTPDevice.objects.exists()
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo_totp_code", "CE100003")
