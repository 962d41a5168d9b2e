"""Retention of requests: old ones go with their files; recent ones and the guards stay."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pme.authorizations.models import Attachment, AuthorizationRequest
from pme.authorizations.retention import RequestRetention
from pme.authorizations.services import _add_attachment, submit_request
from pme.authorizations.tests.factories import make_draft
from pme.authorizations.tests.fixtures import pdf_upload


@pytest.fixture
def old_and_new(prescriber):
    with time_machine.travel(dt.datetime(2014, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        old = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
        attachment = _add_attachment(old, actor=prescriber, upload=pdf_upload())
        old_draft = make_draft(prescriber)
    new = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    return old, attachment, old_draft, new


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(old_and_new):
    result = RequestRetention().apply(dry_run=True, now=timezone.now(), progress=lambda line: None)
    assert result.counts == {"requests_deleted": 2, "files_deleted": 1}
    assert AuthorizationRequest.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.database_owner  # retention runs as the owner: it lifts the guards (README, Production)
def test_old_requests_and_their_files_are_deleted_and_the_guards_stay(
    old_and_new, django_capture_on_commit_callbacks
):
    _old, attachment, _old_draft, new = old_and_new
    path = attachment.file.name
    assert default_storage.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        result = RequestRetention().apply(dry_run=False, now=timezone.now(), progress=lambda line: None)
    assert result.counts == {"requests_deleted": 2, "files_deleted": 1}
    assert list(AuthorizationRequest.objects.values_list("pk", flat=True)) == [new.pk]
    assert not Attachment.objects.exists()
    assert not default_storage.exists(path)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE authorizations_authorizationrequest SET dosage = 'x' WHERE id = %s", [new.pk])


@pytest.mark.django_db
def test_the_command_runs_every_policy(old_and_new, capsys):
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "authorizations.requests" in out
    assert "requests_deleted 2" in out
