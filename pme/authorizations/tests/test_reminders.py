"""Expiry reminders: authorizations ending within 30 days, once each, to the prescriber and to the
collaborators who may draft the renewal; e-mail in each recipient's language; a home-page item."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from pme.accounts.access_models import DelegationPermission
from pme.accounts.tests.factories import DelegationFactory, UserFactory
from pme.authorizations.models import Notification
from pme.authorizations.services import submit_request
from pme.authorizations.tasks import send_expiry_reminders
from pme.authorizations.tests.factories import codified_indication, make_draft
from tests.personas import client_for


@pytest.fixture
def accepted(prescriber):
    indication = codified_indication()
    return submit_request(
        request_id=make_draft(prescriber, indication, requested_start=dt.date(2026, 1, 1)).pk,
        actor=prescriber,
    ).auth_request  # authorized until 2026-12-31


@pytest.mark.django_db
def test_reminder_goes_to_the_prescriber_and_drafting_collaborators_once(
    accepted, prescriber, collaborator, django_capture_on_commit_callbacks
):
    drafter = UserFactory.create(username="drafter", role="collaborator", language="en")
    DelegationFactory.create(
        collaborator=drafter, prescriber=prescriber, permission=DelegationPermission.CONSULT_DRAFT
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_expiry_reminders(today=dt.date(2026, 11, 30)) == 0  # 31 days before the end
        assert send_expiry_reminders(today=dt.date(2026, 12, 1)) == 1
        assert send_expiry_reminders(today=dt.date(2026, 12, 2)) == 0  # never twice
    recipients = {m.to[0]: m for m in mail.outbox}
    assert set(recipients) == {prescriber.email, drafter.email}  # not the consult-only collaborator
    assert accepted.number in recipients[prescriber.email].subject
    assert "ends soon" in recipients[drafter.email].subject
    assert "TREM" not in recipients[prescriber.email].body  # no NAM in an e-mail
    assert Notification.objects.filter(kind="expiry").count() == 2


@pytest.mark.django_db
def test_reminder_shows_on_the_home_page_until_the_request_is_opened(accepted, prescriber):
    """The news item goes once the request is opened; the to-do "ending within 30 days" stays until the
    authorization is renewed or ends."""
    send_expiry_reminders(today=dt.date(2026, 12, 15))
    with time_machine.travel(dt.datetime(2026, 12, 15, 15, tzinfo=dt.UTC), tick=False):
        client = client_for(prescriber)
        home = client.get("/fr/").content.decode()
        news = home.split('id="news-title"', 1)
        assert len(news) == 2
        assert accepted.number in news[1].split("</section>")[0]
        assert "Autorisations qui prennent fin d’ici 30 jours" in home
        client.get(reverse("authorizations:detail", args=[accepted.pk]))
        home = client.get("/fr/").content.decode()
    assert 'id="news-title"' not in home
    assert accepted.number in home  # still to renew


@pytest.mark.django_db
def test_the_daily_command_runs(accepted, capsys):
    call_command("send_expiry_reminders")
    assert "Reminders:" in capsys.readouterr().out
