"""`Cache-Control: no-store` on every authenticated answer: pages, JSON, FHIR and files (issue 14,
finding 5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import bearer_client_for, client_for


@pytest.mark.django_db
def test_pages_json_fhir_and_files_are_not_stored(prescriber, sent_request):
    browser = client_for(prescriber)
    system = bearer_client_for(prescriber)
    answers = {
        "page": browser.get(f"/fr/requests/{sent_request.pk}/"),
        "home": browser.get("/fr/"),
        "json": system.get(f"/api/v1/requests/{sent_request.pk}"),
        "fhir": system.get(f"/fhir/R4/ClaimResponse/{sent_request.pk}"),
        "error": system.get("/api/v1/requests/999999"),
    }
    for name, response in answers.items():
        assert response["Cache-Control"] == "no-store", name


@pytest.mark.django_db
def test_an_attachment_download_is_not_stored(prescriber, attachment):
    response = client_for(prescriber).get(reverse("authorizations:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_anonymous_public_pages_may_be_cached():
    response = Client().get("/fr/help/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_an_attachment_downloads_under_the_request_number_never_the_uploaded_name(prescriber, sent_request):
    """Issue 14, finding 9: a file uploaded as `evil<img…>.html` (its content a real PDF) is offered as
    `<request number>-<n>.pdf`, the extension of the sniffed type, as an attachment, never rendered."""
    from pme.authorizations.services import _add_attachment
    from pme.authorizations.tests.fixtures import pdf_upload

    first = _add_attachment(sent_request, actor=prescriber, upload=pdf_upload("report.pdf"))
    evil = _add_attachment(
        sent_request, actor=prescriber, upload=pdf_upload('evil<img src=x onerror="alert(1)">.html')
    )
    client = client_for(prescriber)
    for rank, item in ((1, first), (2, evil)):
        response = client.get(reverse("authorizations:attachment", args=[item.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{sent_request.number}-{rank}.pdf"'
    assert "evil" not in response["Content-Disposition"]
