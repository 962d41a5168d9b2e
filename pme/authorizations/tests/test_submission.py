"""Submitting: completeness, numbering, instant decision, idempotency, freezing."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.http import Http404

from pme.accounts.models import Delegation, DelegationPermission
from pme.audit.models import AuditEvent
from pme.authorizations.lifecycle import Status, TransitionNotAllowed
from pme.authorizations.models import FROZEN_FIELDS, AuthorizationRequest, FrozenRequestError, RequestVersion
from pme.authorizations.services import IncompleteRequest, NotAllowed, submit_request, withdraw_request
from pme.authorizations.tests.factories import codified_indication, make_draft
from pme.catalogue.tests.factories import CriterionFactory


@pytest.mark.django_db
def test_codified_request_meeting_its_criteria_is_accepted_at_once(prescriber):
    indication = codified_indication()
    draft = make_draft(prescriber, indication)
    result = submit_request(request_id=draft.pk, actor=prescriber)
    request = result.auth_request
    assert result.automated
    assert result.created
    assert request.status == Status.ACCEPTED
    assert request.automated
    assert str(request.authorized_start) == "2026-12-01"
    assert str(request.authorized_end) == "2027-11-30"  # 12 months, inclusive
    assert request.authorized_quantity == "1 inhalateur par mois"
    assert request.evaluation["overall"] == "met"
    assert [t.to_status for t in request.timeline.all()] == [Status.SUBMITTED, Status.ACCEPTED]
    # One change, one event: the sending and the automatic acceptance, by the prescriber who sent it.
    events = list(AuditEvent.objects.filter(object_id=str(request.pk)).exclude(action="request.draft_saved"))
    assert [(e.action, e.actor_id) for e in events] == [("request.submitted_accepted", prescriber.pk)]
    assert events[0].details["from"] == Status.DRAFT
    assert events[0].details["to"] == Status.ACCEPTED
    assert events[0].details["decision"] == "accepted"
    assert events[0].details["automatic"] is True


@pytest.mark.django_db
def test_unmet_criterion_sends_the_request_to_a_reviewer(prescriber):
    indication = codified_indication()
    draft = make_draft(prescriber, indication, answers={"exacerbations": False})
    result = submit_request(request_id=draft.pk, actor=prescriber)
    assert not result.automated
    assert result.auth_request.status == Status.SUBMITTED
    assert result.auth_request.evaluation["overall"] == "not_met"
    sent = AuditEvent.objects.filter(object_id=str(draft.pk)).exclude(action="request.draft_saved")
    assert [(e.action, e.details["to"]) for e in sent] == [("request.submitted", Status.SUBMITTED)]


@pytest.mark.django_db
def test_free_text_criterion_needs_a_reviewer(prescriber):
    indication = codified_indication()
    CriterionFactory.create(
        indication=indication, key="context", kind="text", required_for_automatic=True, satisfying_values=[]
    )
    result = submit_request(request_id=make_draft(prescriber, indication).pk, actor=prescriber)
    assert result.auth_request.status == Status.SUBMITTED


@pytest.mark.django_db
def test_numbers_are_readable_and_increasing(prescriber):
    first = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    second = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    assert first.submitted_at is not None
    year = first.submitted_at.year
    assert first.number == f"{year}-000001"
    assert second.number == f"{year}-000002"


@pytest.mark.django_db
def test_incomplete_request_lists_what_is_missing_and_stays_a_draft(prescriber):
    draft = make_draft(prescriber, dosage="", requested_start=None, seriousness="")
    with pytest.raises(IncompleteRequest) as info:
        submit_request(request_id=draft.pk, actor=prescriber)
    assert len(info.value.missing) == 3
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.number is None


@pytest.mark.django_db
def test_submitting_twice_creates_one_request(prescriber):
    draft = make_draft(prescriber)
    first = submit_request(request_id=draft.pk, actor=prescriber)
    again = submit_request(request_id=draft.pk, actor=prescriber)
    assert first.created
    assert not again.created
    assert again.auth_request.number == first.auth_request.number
    assert AuthorizationRequest.objects.exclude(status=Status.DRAFT).count() == 1
    assert RequestVersion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_create_one_request(prescriber):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL; SQLite serializes writers")
    draft = make_draft(prescriber)
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def submit() -> None:
        barrier.wait()
        try:
            results.append(submit_request(request_id=draft.pk, actor=prescriber).created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert AuthorizationRequest.objects.get(pk=draft.pk).number
    assert RequestVersion.objects.filter(auth_request=draft).count() == 1


@pytest.mark.django_db
def test_only_the_prescriber_transmits(prescriber, other_prescriber, collaborator):
    Delegation.objects.filter(collaborator=collaborator).update(permission=DelegationPermission.CONSULT_DRAFT)
    draft = make_draft(prescriber)
    with pytest.raises(Http404):  # not theirs: the same 404 as an unknown id
        submit_request(request_id=draft.pk, actor=other_prescriber)
    drafted = make_draft(prescriber, entered_by=collaborator)
    with pytest.raises(NotAllowed):  # theirs to see (they entered it), not theirs to send
        submit_request(request_id=drafted.pk, actor=collaborator)


@pytest.mark.django_db
def test_a_submitted_request_cannot_be_changed_through_the_orm(prescriber):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    request.dosage = "something else"
    with pytest.raises(FrozenRequestError):
        request.save()


@pytest.mark.django_db
def test_a_submitted_request_read_from_the_database_keeps_what_it_loaded(prescriber):
    """Read back whole, or with some columns only (one query's rows share what they loaded): a change of
    a frozen field it loaded is refused, and what it did not load is not compared."""
    sent = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    whole = AuthorizationRequest.objects.get(pk=sent.pk)
    assert whole._loaded == {f: getattr(sent, f) for f in FROZEN_FIELDS}
    assert whole._loaded_status == sent.status
    some = AuthorizationRequest.objects.only("pk", "nam", "dosage").get(pk=sent.pk)
    assert some._loaded == {"nam": sent.nam, "dosage": sent.dosage}
    assert some._loaded_status == ""
    whole.dosage = "something else"
    with pytest.raises(FrozenRequestError, match="dosage"):
        whole.save()


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["nam", "dosage", "clinical_notes", "insured_birth_date", "answers"])
def test_a_submitted_request_cannot_be_changed_in_the_database(prescriber, column):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    value = (
        "'2000-01-01'" if column == "insured_birth_date" else "'{\"x\": 1}'" if column == "answers" else "'X'"
    )
    with (
        pytest.raises(DatabaseError, match="cannot be changed"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(
            f"UPDATE authorizations_authorizationrequest SET {column} = {value} WHERE id = %s", [request.pk]
        )


@pytest.mark.django_db
def test_a_submitted_request_cannot_be_deleted_in_the_database(prescriber):
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE guard is PostgreSQL's; SQLite's foreign keys refuse it at commit")
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM authorizations_authorizationrequest WHERE id = %s", [request.pk])


@pytest.mark.django_db
def test_versions_are_append_only_in_the_database(prescriber):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(
            "UPDATE authorizations_requestversion SET text = 'x' WHERE auth_request_id = %s", [request.pk]
        )


@pytest.mark.django_db
def test_workflow_columns_still_change_after_submission(prescriber):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    withdraw_request(request_id=request.pk, actor=prescriber, note="patient moved")
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


@pytest.mark.django_db
def test_a_draft_can_still_be_edited_in_the_database(prescriber):
    draft = make_draft(prescriber)
    with connection.cursor() as c:
        c.execute("UPDATE authorizations_authorizationrequest SET dosage = 'x' WHERE id = %s", [draft.pk])


def test_frozen_fields_cover_everything_the_prescriber_writes():
    from pme.authorizations.content import draft_columns

    assert set(draft_columns()) <= set(FROZEN_FIELDS)


@pytest.mark.django_db
def test_a_withdrawn_request_cannot_be_withdrawn_again(prescriber):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    withdraw_request(request_id=request.pk, actor=prescriber)
    with pytest.raises(TransitionNotAllowed):
        withdraw_request(request_id=request.pk, actor=prescriber)


@pytest.mark.django_db
def test_a_draft_can_be_discarded(prescriber):
    draft = make_draft(prescriber)
    withdraw_request(request_id=draft.pk, actor=prescriber, note="not needed")
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    assert draft.number is None


@pytest.mark.django_db
def test_the_admin_cannot_change_a_request(prescriber, admin_on):
    from django.urls import reverse

    from pme.accounts.tests.factories import UserFactory
    from tests.personas import client_for

    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    superuser = UserFactory.create(username="root", role="reviewer", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    url = reverse("admin:authorizations_authorizationrequest_change", args=[request.pk])
    page = client.get(url)
    assert page.status_code == 200  # readable
    response = client.post(url, {"dosage": "changed", "nam": "GAGL90010101"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.dosage != "changed"
