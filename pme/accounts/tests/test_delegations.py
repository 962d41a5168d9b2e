"""Who a collaborator works for: selectors, removal (effective on the next request), invitations,
and isolation between prescribers (404)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.test import Client

from pme.accounts.models import Delegation, DelegationPermission
from pme.accounts.selectors import can_consult_for, can_draft_for, prescribers_for
from pme.accounts.tests.factories import DelegationFactory, PrescriberProfileFactory
from pme.audit.models import AuditEvent
from pme.core.timeutils import local_today
from tests.personas import client_for


@pytest.mark.django_db
def test_personas_are_linked(prescriber, collaborator, other_prescriber, other_collaborator):
    assert list(prescribers_for(collaborator)) == [prescriber]
    assert list(prescribers_for(other_collaborator)) == [other_prescriber]
    assert can_consult_for(collaborator, prescriber)
    assert not can_draft_for(collaborator, prescriber)  # consult permission only
    assert not can_consult_for(collaborator, other_prescriber)


@pytest.mark.django_db
def test_a_collaborator_can_work_for_several_prescribers_with_different_permissions(collaborator, prescriber):
    second = PrescriberProfileFactory.create(user__last_name="Aaron").user
    DelegationFactory.create(
        collaborator=collaborator, prescriber=second, permission=DelegationPermission.CONSULT_DRAFT
    )
    assert list(prescribers_for(collaborator)) == [second, prescriber]
    assert can_draft_for(collaborator, second)
    assert not can_draft_for(collaborator, prescriber)


@pytest.mark.django_db
def test_dates_pending_and_inactive_prescribers_count(collaborator, prescriber, other_prescriber):
    today = local_today()
    link = Delegation.objects.get(collaborator=collaborator)
    link.starts_on, link.ends_on = today - timedelta(days=10), today - timedelta(days=1)
    link.save()
    assert not can_consult_for(collaborator, prescriber)
    assert can_consult_for(collaborator, prescriber, on=today - timedelta(days=1))
    DelegationFactory.create(collaborator=collaborator, prescriber=other_prescriber, accepted_at=None)
    assert not prescribers_for(collaborator).exists()  # a pending invitation gives nothing
    link.ends_on = None
    link.save()
    prescriber.is_active = False
    prescriber.save()
    assert not prescribers_for(collaborator).exists()


@pytest.mark.django_db
def test_only_collaborators_work_for_prescribers(prescriber, other_prescriber):
    DelegationFactory.create(collaborator=other_prescriber, prescriber=prescriber)
    assert not prescribers_for(other_prescriber).exists()
    assert not can_consult_for(other_prescriber, prescriber)


@pytest.mark.django_db
def test_removed_collaborator_loses_access_on_the_next_request(prescriber, collaborator, password):
    theirs = Client()
    theirs.post("/fr/accounts/login/", {"username": collaborator.username, "password": password})
    assert prescriber.get_full_name() in theirs.get("/fr/accounts/prescribers/").content.decode()
    link = Delegation.objects.get(collaborator=collaborator)
    mine = client_for(prescriber)
    assert collaborator.username in mine.get("/fr/accounts/assistants/").content.decode()
    assert mine.post(f"/fr/accounts/assistants/{link.pk}/remove/").status_code == 302
    page = theirs.get("/fr/accounts/prescribers/").content.decode()
    assert prescriber.get_full_name() not in page
    assert "Vous ne travaillez pour aucun prescripteur" in page
    assert not can_consult_for(collaborator, prescriber)
    assert collaborator.username not in mine.get("/fr/accounts/assistants/").content.decode()
    event = AuditEvent.objects.get(action="delegation.removed")
    assert event.actor == prescriber
    # Removing twice is a 404: the link is no longer the prescriber's to remove.
    assert mine.post(f"/fr/accounts/assistants/{link.pk}/remove/").status_code == 404


@pytest.mark.django_db
def test_collaborator_of_a_cannot_see_or_act_for_b(
    prescriber, collaborator, other_prescriber, other_collaborator, invitation
):
    theirs = client_for(other_collaborator)
    assert prescriber.get_full_name() not in theirs.get("/fr/accounts/prescribers/").content.decode()
    assert theirs.post(f"/fr/accounts/prescribers/{invitation.pk}/accept/").status_code == 404
    link = Delegation.objects.get(collaborator=collaborator, prescriber=prescriber)
    assert client_for(other_prescriber).post(f"/fr/accounts/assistants/{link.pk}/remove/").status_code == 404
    assert client_for(collaborator).post(f"/fr/accounts/assistants/{link.pk}/remove/").status_code == 404
    link.refresh_from_db()
    assert link.removed_at is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.django_db
def test_prescriber_adds_an_existing_collaborator_who_must_accept(
    other_prescriber, collaborator, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(other_prescriber).post(
            "/en/accounts/assistants/add/",
            {"username": collaborator.username.upper(), "permission": "consult"},
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == [collaborator.email]
    assert not can_consult_for(collaborator, other_prescriber)  # not before the collaborator accepts
    invitation = Delegation.objects.get(collaborator=collaborator, prescriber=other_prescriber)
    mine = client_for(collaborator)
    assert "Accepter, travailler pour" in mine.get("/fr/accounts/prescribers/").content.decode()
    assert mine.post(f"/fr/accounts/prescribers/{invitation.pk}/accept/").status_code == 302
    assert can_consult_for(collaborator, other_prescriber)
    assert mine.post(f"/fr/accounts/prescribers/{invitation.pk}/accept/").status_code == 404


@pytest.mark.django_db
def test_a_declined_invitation_gives_nothing(other_prescriber, collaborator, invitation):
    assert (
        client_for(collaborator).post(f"/fr/accounts/prescribers/{invitation.pk}/decline/").status_code == 302
    )
    assert not can_consult_for(collaborator, other_prescriber)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "Aucun compte d'adjoint actif"),
        ("presc.b", "Aucun compte d'adjoint actif"),  # a prescriber is not an assistant
        ("collab.a", "travaille déjà pour vous"),
    ],
)
def test_invitation_errors(prescriber, collaborator, other_prescriber, username, message):
    response = client_for(prescriber).post(
        "/fr/accounts/assistants/add/", {"username": username, "permission": "consult"}
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
