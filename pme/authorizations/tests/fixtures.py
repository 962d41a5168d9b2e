"""Request fixtures, registered for the whole suite in the root conftest.py (the permission matrix uses
them as "@draft_request", "@sent_request", "@attachment")."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pme.accounts.models import User
from pme.authorizations.models import Attachment, AuthorizationRequest
from pme.authorizations.services import _add_attachment, submit_request
from pme.authorizations.tests.factories import make_draft

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "report.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def draft_request(prescriber: User) -> AuthorizationRequest:
    return make_draft(prescriber)


@pytest.fixture
def sent_request(prescriber: User) -> AuthorizationRequest:
    return submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request


@pytest.fixture
def attachment(sent_request: AuthorizationRequest, prescriber: User) -> Attachment:
    return _add_attachment(sent_request, actor=prescriber, upload=pdf_upload())


@pytest.fixture
def request_indication(db):
    from pme.authorizations.tests.factories import codified_indication

    return codified_indication()


@pytest.fixture
def accepted_request(prescriber: User, request_indication) -> AuthorizationRequest:
    return submit_request(
        request_id=make_draft(prescriber, request_indication).pk, actor=prescriber
    ).auth_request
