"""Form 4313 end to end through HTTP: the prescriber's part, the person's part, the Régie's decision,
and the credentials split across two e-mails."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from pme.accounts.models import AccessRequest, AccessRequestStatus, Delegation, Role, User
from pme.accounts.selectors import can_consult_for, prescribers_for
from pme.accounts.tests.factories import AccessRequestFactory
from pme.audit.models import AuditEvent
from pme.core.dates import long_date
from tests.personas import client_for

NEW = "/fr/accounts/access-requests/new/"


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Chantal",
        "last_name": "Roy",
        "email": "chantal.roy@clinique.example",
        "language": "fr",
        "staff_kind": "administrative",
        "clinic": "Clinique Laurier",
        "permission": "consult",
        "attests_direction": "on",
        "attests_no_sharing": "on",
    }
    data.update(overrides)
    return data


def link_path(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/access-requests/complete/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


@pytest.fixture
def submitted_by_person(prescriber, django_capture_on_commit_callbacks):
    """Runs steps 1 and 2 through HTTP; returns the access request, waiting for the Régie."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(prescriber).post(NEW, form_data())
    assert response.status_code == 302
    path = link_path(mail.outbox[-1])
    response = client_for(None).post(
        path,
        {"first_name": "Chantal", "last_name": "Roy", "job_title": "Adjointe", "accepts_commitment": "on"},
    )
    assert response.status_code == 200
    return AccessRequest.objects.get()


@pytest.mark.django_db
def test_prescriber_fills_the_authorization_part_and_the_person_gets_a_one_time_link(
    prescriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(prescriber).post(NEW, form_data())
    access_request = AccessRequest.objects.get()
    assert response["Location"] == f"/fr/accounts/access-requests/{access_request.pk}/"
    assert access_request.status == AccessRequestStatus.AWAITING_USER
    (message,) = mail.outbox
    assert message.to == ["chantal.roy@clinique.example"]
    assert "Remplissez votre partie" in message.subject or "partie" in message.subject
    token = link_path(message).rstrip("/").rsplit("/", 1)[1]
    assert token not in access_request.token_hash  # only a hash is stored
    assert len(access_request.token_hash) == 64
    assert access_request.link_expires_at is not None
    assert timedelta(days=6, hours=23) < access_request.link_expires_at - timezone.now() <= timedelta(days=7)
    assert AuditEvent.objects.filter(action="access_request.created", actor=prescriber).exists()


@pytest.mark.django_db
def test_the_link_email_is_in_the_persons_language(prescriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prescriber).post(NEW, form_data(language="en"))
    assert "fill your part" in mail.outbox[0].subject


@pytest.mark.django_db
def test_the_persons_email_must_differ_from_the_prescribers(prescriber):
    response = client_for(prescriber).post(NEW, form_data(email=prescriber.email.upper()))
    assert response.status_code == 200
    assert "doit être différente de la vôtre" in response.content.decode()
    assert not AccessRequest.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_both_attestations_are_required(prescriber):
    data = form_data()
    del data["attests_no_sharing"]
    response = client_for(prescriber).post(NEW, data)
    assert response.status_code == 200
    assert 'href="#id_attests_no_sharing"' in response.content.decode()
    assert not AccessRequest.objects.exists()


@pytest.mark.django_db
def test_the_link_works_once(submitted_by_person, prescriber):
    # The fixture used the link; the same link now gives the "cannot be used" page.
    path = link_path(mail.outbox[0])
    response = client_for(None).get(path)
    assert response.status_code == 404
    assert "déjà été utilisé" in response.content.decode()
    assert submitted_by_person.status == AccessRequestStatus.SUBMITTED
    assert submitted_by_person.token_hash == ""


@pytest.mark.django_db
def test_an_expired_link_is_refused(prescriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prescriber).post(NEW, form_data())
    path = link_path(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client_for(None).post(
            path, {"first_name": "C", "last_name": "R", "job_title": "A", "accepts_commitment": "on"}
        )
    assert response.status_code == 404
    assert AccessRequest.objects.get().status == AccessRequestStatus.AWAITING_USER


@pytest.mark.django_db
def test_the_person_must_accept_the_commitment(prescriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prescriber).post(NEW, form_data())
    response = client_for(None).post(
        link_path(mail.outbox[0]), {"first_name": "C", "last_name": "R", "job_title": "A"}
    )
    assert response.status_code == 200
    assert "engagement de confidentialité" in response.content.decode()
    assert AccessRequest.objects.get().status == AccessRequestStatus.AWAITING_USER


@pytest.mark.django_db
def test_queue_is_oldest_first_and_says_which_day_is_processed(access_admin, prescriber, other_prescriber):
    old = AccessRequestFactory.create(prescriber=prescriber, completed_at=timezone.now() - timedelta(days=3))
    AccessRequestFactory.create(prescriber=other_prescriber, user_last_name="Zed")
    AccessRequestFactory.create(prescriber=prescriber, status=AccessRequestStatus.AWAITING_USER)
    html = client_for(access_admin).get("/en/accounts/regie/access-requests/").content.decode()
    expected = long_date(timezone.localtime(old.completed_at).date(), "en")  # as every page writes dates
    assert f"Today we are processing requests received on {expected}." in html
    assert html.index("Roy") < html.index("Zed")
    assert len(re.findall(r"/accounts/regie/access-requests/\d+/", html)) == 2  # incomplete one not listed


@pytest.mark.django_db
def test_approval_creates_the_account_and_splits_the_credentials(
    submitted_by_person, access_admin, prescriber, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(access_admin).post(
            f"/fr/accounts/regie/access-requests/{submitted_by_person.pk}/approve/"
        )
    assert response.status_code == 302
    account = User.objects.get(role=Role.COLLABORATOR, email="chantal.roy@clinique.example")
    assert re.fullmatch(r"CE[0-9]{6}", account.username)
    assert account.password_is_temporary
    assert account.email_verified_at is not None
    assert can_consult_for(account, prescriber)
    assert list(prescribers_for(account)) == [prescriber]

    to_prescriber = next(m for m in mail.outbox if m.to == [prescriber.email])
    to_person = next(m for m in mail.outbox if m.to == ["chantal.roy@clinique.example"])
    assert len(mail.outbox) == 2
    password = re.search(r"^\s{4}(\S+)$", str(to_person.body), re.M).group(1)  # type: ignore[union-attr]
    assert account.username in to_prescriber.body
    assert password not in to_prescriber.body
    assert password in to_person.body
    assert account.username not in to_person.body
    assert to_prescriber.attachments[0][2] == "application/pdf"
    assert to_person.attachments[0][1][:5] == b"%PDF-"
    account.refresh_from_db()
    assert account.check_password(password)
    assert account.temporary_password_expires_at is not None
    assert (account.temporary_password_expires_at - timezone.now()).days == 13  # 14 days, minus seconds
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"access_request.approved", "user.created", "delegation.created"} <= actions
    assert {"account.temporary_password_sent", "account.username_sent"} <= actions


@pytest.mark.django_db
def test_usernames_are_not_sequential(access_admin, prescriber):
    from pme.accounts.services.access_requests import approve_access_request

    names = [
        approve_access_request(
            AccessRequestFactory.create(prescriber=prescriber), actor=access_admin
        ).username
        for _ in range(5)
    ]
    numbers = [int(n[2:]) for n in names]
    assert len(set(names)) == 5
    assert numbers != sorted(numbers) or any(b - a != 1 for a, b in pairwise(numbers))


@pytest.mark.django_db
def test_prescriber_sees_the_username_and_downloads_the_letter(access_admin, prescriber, submitted_by_person):
    from pme.accounts.services.access_requests import approve_access_request

    account = approve_access_request(submitted_by_person, actor=access_admin)
    client = client_for(prescriber)
    page = client.get(f"/fr/accounts/access-requests/{submitted_by_person.pk}/").content.decode()
    assert account.username in page
    letter = client.get(f"/fr/accounts/access-requests/{submitted_by_person.pk}/letter.pdf")
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_refusal_needs_a_reason_and_tells_the_prescriber(
    submitted_by_person, access_admin, prescriber, django_capture_on_commit_callbacks
):
    url = f"/fr/accounts/regie/access-requests/{submitted_by_person.pk}/refuse/"
    assert client_for(access_admin).post(url, {"reason": " "}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(access_admin).post(
            url, {"reason": "La personne ne travaille pas à la clinique."}
        )
    assert response.status_code == 302
    submitted_by_person.refresh_from_db()
    assert submitted_by_person.status == AccessRequestStatus.REFUSED
    (message,) = mail.outbox
    assert message.to == [prescriber.email]
    assert "ne travaille pas à la clinique" in message.body
    assert not User.objects.filter(role=Role.COLLABORATOR, email=submitted_by_person.email).exists()


@pytest.mark.django_db
def test_prescriber_cancels_a_pending_request_and_the_link_dies(
    prescriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prescriber).post(NEW, form_data())
    access_request = AccessRequest.objects.get()
    client = client_for(prescriber)
    page = client.get("/fr/accounts/assistants/").content.decode()
    assert "Chantal Roy" in page
    assert "En attente que la personne remplisse sa partie" in page
    assert client.post(f"/fr/accounts/access-requests/{access_request.pk}/cancel/").status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == AccessRequestStatus.CANCELLED
    assert client_for(None).get(link_path(mail.outbox[0])).status_code == 404
    # A decided or cancelled request cannot be cancelled again.
    client.post(f"/fr/accounts/access-requests/{access_request.pk}/cancel/")
    assert AuditEvent.objects.filter(action="access_request.cancelled").count() == 1


@pytest.mark.django_db
def test_a_resent_link_replaces_the_old_one(prescriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prescriber).post(NEW, form_data())
    access_request = AccessRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prescriber).post(f"/fr/accounts/access-requests/{access_request.pk}/resend/")
    first, second = (link_path(m) for m in mail.outbox)
    assert client_for(None).get(first).status_code == 404
    assert client_for(None).get(second).status_code == 200


@pytest.mark.django_db
def test_cannot_approve_twice(submitted_by_person, access_admin):
    url = f"/fr/accounts/regie/access-requests/{submitted_by_person.pk}/approve/"
    client = client_for(access_admin)
    client.post(url)
    client.post(url)
    assert User.objects.filter(role=Role.COLLABORATOR, email=submitted_by_person.email).count() == 1
    assert Delegation.objects.filter(access_request=submitted_by_person).count() == 1


@pytest.mark.django_db
def test_prescriber_of_another_request_gets_404(access_request_awaiting, other_prescriber, collaborator):
    for user in (other_prescriber, collaborator):
        client = client_for(user)
        assert client.get(f"/fr/accounts/access-requests/{access_request_awaiting.pk}/").status_code == 404
        assert (
            client.post(f"/fr/accounts/access-requests/{access_request_awaiting.pk}/cancel/").status_code
            == 404
        )
    access_request_awaiting.refresh_from_db()
    assert access_request_awaiting.status == AccessRequestStatus.AWAITING_USER
