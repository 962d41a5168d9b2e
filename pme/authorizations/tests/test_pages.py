"""Request pages through HTTP: drafting, transmitting, double submission, attachments, actions."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from django.urls import reverse

from pme.accounts.access_models import DelegationPermission
from pme.accounts.tests.factories import DelegationFactory, UserFactory
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent
from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import Attachment, AuthorizationRequest
from pme.authorizations.services import submit_request
from pme.authorizations.tests.factories import NAM_TREMBLAY, codified_indication, make_draft
from pme.authorizations.tests.fixtures import PDF_BYTES, pdf_upload
from pme.authorizations.transitions import transition
from tests.personas import client_for


def form_data(indication=None, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "nam": "trem 8553 1512",
        "insured_last_name": "Tremblay",
        "insured_first_name": "Julie",
        "insured_birth_date": "1985-03-15",
        "request_type": "first",
        "treatment_started": "no",
        "requested_start": "2026-12-01",
        "requested_duration": "12",
        "requested_duration_unit": "months",
        "dosage": "2 inhalations twice a day",
        "quantity": "1 inhaler",
        "urgency": "standard",
        "action": "submit",
    }
    if indication is not None:
        data["criterion_exacerbations"] = "yes"
    else:
        data.update(
            drug_description="drug X 10 mg",
            condition="rare disease",
            alternatives_unusable="none",
            seriousness="life-threatening",
            expected_benefit="fewer stays",
        )
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_prescriber_submits_a_codified_request_accepted_at_once(prescriber):
    indication = codified_indication()
    client = client_for(prescriber)
    response = client.post(
        reverse("authorizations:new_exception", args=[indication.pk]), form_data(indication)
    )
    assert response.status_code == 302
    request = AuthorizationRequest.objects.get()
    assert request.status == Status.ACCEPTED
    page = client.get(response["Location"]).content.decode()
    assert "Acceptée" in page
    assert "satisfont à tous les critères de l'indication reconnue" in html.unescape(page)


@pytest.mark.django_db
def test_the_same_form_posted_twice_creates_one_request(prescriber):
    indication = codified_indication()
    client = client_for(prescriber)
    data = form_data(indication, criterion_exacerbations="no")
    url = reverse("authorizations:new_exception", args=[indication.pk])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert AuthorizationRequest.objects.count() == 1
    assert AuthorizationRequest.objects.get().status == Status.SUBMITTED


@pytest.mark.django_db
def test_bad_nam_gets_a_clear_message_and_nothing_is_saved(prescriber):
    client = client_for(prescriber)
    response = client.post(reverse("authorizations:new_exceptional_patient"), form_data(nam="TREM 8513 1512"))
    assert response.status_code == 400
    assert "Le mois de ce numéro d'assurance maladie n'existe pas" in html.unescape(response.content.decode())
    assert not AuthorizationRequest.objects.exists()


@pytest.mark.django_db
def test_birth_date_that_does_not_match_the_nam_is_flagged(prescriber):
    client = client_for(prescriber)
    response = client.post(
        reverse("authorizations:new_exceptional_patient"), form_data(insured_birth_date="1985-03-16")
    )
    assert response.status_code == 400
    assert not AuthorizationRequest.objects.exists()
    confirmed = client.post(
        reverse("authorizations:new_exceptional_patient"),
        form_data(insured_birth_date="1985-03-16", confirm_identity="on"),
    )
    assert confirmed.status_code == 302


@pytest.mark.django_db
def test_nam_never_appears_in_a_url(prescriber):
    client = client_for(prescriber)
    response = client.post(reverse("authorizations:new_exceptional_patient"), form_data())
    assert NAM_TREMBLAY not in str(response["Location"])
    page = client.get(response["Location"]).content.decode()
    for href in [part.split('"')[0] for part in page.split('href="')[1:]]:
        assert "TREM" not in href.upper()


@pytest.mark.django_db
def test_attachment_disguised_as_pdf_is_refused(prescriber):
    client = client_for(prescriber)
    fake = pdf_upload("report.pdf", b"MZ\x90\x00 this is an executable, not a PDF")
    response = client.post(
        reverse("authorizations:new_exceptional_patient"), {**form_data(), "attachments": fake}
    )
    assert response.status_code == 400
    assert "n'est pas un fichier PDF, JPEG ou PNG" in html.unescape(response.content.decode())
    assert not AuthorizationRequest.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_real_pdf_is_kept_and_served_only_through_the_access_check(prescriber, other_prescriber):
    client = client_for(prescriber)
    response = client.post(
        reverse("authorizations:new_exceptional_patient"), {**form_data(), "attachments": pdf_upload()}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    download = client.get(reverse("authorizations:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert (
        client_for(other_prescriber)
        .get(reverse("authorizations:attachment", args=[attachment.pk]))
        .status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="attachment.downloaded").count() == 1


@pytest.mark.django_db
def test_oversize_upload_is_refused_with_a_message(prescriber, settings):
    client = client_for(prescriber)
    big = pdf_upload("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF")
    response = client.post(
        reverse("authorizations:new_exceptional_patient"), {**form_data(), "attachments": big}
    )
    assert response.status_code == 400
    assert "plus de 10 Mo" in response.content.decode()
    assert not AuthorizationRequest.objects.exists()


@pytest.mark.django_db
def test_unknown_and_forbidden_requests_look_the_same(prescriber, other_prescriber):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    other = client_for(other_prescriber)
    forbidden = other.get(reverse("authorizations:detail", args=[request.pk]))
    unknown = other.get(reverse("authorizations:detail", args=[request.pk + 1000]))
    assert forbidden.status_code == unknown.status_code == 404

    # Identical but for the address itself (the language switch links to the same page).
    def scrub(content: bytes) -> bytes:
        content = re.sub(rb"/requests/[0-9]+/", b"/requests/ID/", content)
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"CSRF", content)

    assert scrub(forbidden.content) == scrub(unknown.content)


@pytest.mark.django_db
def test_viewing_a_request_is_audited_with_the_nam_hash(prescriber, collaborator):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    client_for(collaborator).get(reverse("authorizations:detail", args=[request.pk]))
    event = AuditEvent.objects.get(action="request.viewed")
    assert event.actor == collaborator
    assert event.on_behalf_of == prescriber
    assert event.nam_masked == "TREM ···· ··12"


@pytest.mark.django_db
def test_collaborator_with_draft_permission_drafts_and_prescriber_transmits(prescriber):
    assistant = UserFactory.create(username="assist", role="collaborator")
    DelegationFactory.create(
        collaborator=assistant, prescriber=prescriber, permission=DelegationPermission.CONSULT_DRAFT
    )
    client = client_for(assistant)
    response = client.post(
        reverse("authorizations:new_exceptional_patient") + f"?for={prescriber.pk}", form_data()
    )  # asks to submit, but a collaborator can only save
    draft = AuthorizationRequest.objects.get()
    assert response.status_code == 302
    assert draft.status == Status.DRAFT
    assert draft.entered_by == assistant
    assert client.post(reverse("authorizations:transmit", args=[draft.pk])).status_code == 404
    page = client_for(prescriber).get(reverse("authorizations:detail", args=[draft.pk])).content.decode()
    assert "Saisie par" in page or "Entered by" in page or assistant.get_full_name() in page
    sent = client_for(prescriber).post(reverse("authorizations:transmit", args=[draft.pk]))
    assert sent.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.transmitted_by == prescriber


@pytest.mark.django_db
def test_collaborator_with_consult_only_cannot_draft(prescriber, collaborator):
    response = client_for(collaborator).get(reverse("authorizations:new_exceptional_patient"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_duplicate_open_request_is_shown_before_sending(prescriber):
    client = client_for(prescriber)
    client.post(reverse("authorizations:new_exceptional_patient"), form_data(drug_description="drug Y"))
    response = client.post(
        reverse("authorizations:new_exceptional_patient"), form_data(drug_description="drug Y")
    )
    assert response.status_code == 409
    duplicate = AuthorizationRequest.objects.get(status=Status.DRAFT)
    confirmed = client.post(
        reverse("authorizations:transmit", args=[duplicate.pk]), {"confirm_duplicate": "1"}
    )
    assert confirmed.status_code == 302
    assert AuthorizationRequest.objects.filter(status=Status.SUBMITTED).count() == 2


@pytest.mark.django_db
def test_withdraw_then_nothing_more(prescriber):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    client = client_for(prescriber)
    response = client.post(reverse("authorizations:withdraw", args=[request.pk]), {"note": "moved away"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    again = client.post(reverse("authorizations:withdraw", args=[request.pk]), {"note": ""})
    assert again.status_code == 302


@pytest.mark.django_db
def test_answer_to_an_information_request_goes_back_to_review(prescriber, reviewer):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    transition(request, Action.TAKE, actor=reviewer, code=AuditCode.REQUEST_TAKEN)
    transition(
        request,
        Action.REQUEST_INFORMATION,
        actor=reviewer,
        note="Which dose?",
        code=AuditCode.INFORMATION_REQUESTED,
    )
    client = client_for(prescriber)
    page = client.get(reverse("authorizations:answer", args=[request.pk])).content.decode()
    assert "Which dose?" in page
    response = client.post(
        reverse("authorizations:answer", args=[request.pk]), {"text": "300 mg", "attachments": pdf_upload()}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    assert [v.text for v in request.versions.all()][-1] == "300 mg"
    assert request.attachments.count() == 1


@pytest.mark.django_db
def test_refused_request_gets_a_review_request(prescriber, reviewer):
    request = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    transition(request, Action.TAKE, actor=reviewer, code=AuditCode.REQUEST_TAKEN)
    request.assigned_to = reviewer
    request.save()
    transition(
        request,
        Action.REFUSE,
        actor=reviewer,
        note="Criteria not met",
        code=AuditCode.REQUEST_REFUSED,
    )
    client = client_for(prescriber)
    response = client.post(
        reverse("authorizations:ask_review", args=[request.pk]), {"reason": "New test results"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    assert request.is_review
    assert request.assigned_to is None


@pytest.mark.django_db
def test_accepted_request_is_renewed_in_one_click(prescriber):
    indication = codified_indication()
    accepted = submit_request(request_id=make_draft(prescriber, indication).pk, actor=prescriber).auth_request
    response = client_for(prescriber).post(reverse("authorizations:renew", args=[accepted.pk]))
    assert response.status_code == 302
    renewal = AuthorizationRequest.objects.get(renewal_of=accepted)
    assert renewal.status == Status.DRAFT
    assert renewal.request_type == "renewal"
    assert accepted.authorized_end is not None
    assert renewal.requested_start == accepted.authorized_end + dt.timedelta(days=1)
    assert renewal.answers == accepted.answers


@pytest.mark.django_db
def test_my_requests_lists_only_mine(prescriber, other_prescriber):
    mine = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    theirs = submit_request(request_id=make_draft(other_prescriber).pk, actor=other_prescriber).auth_request
    page = client_for(prescriber).get(reverse("authorizations:list")).content.decode()
    assert str(mine.number) in page
    assert str(theirs.number) not in page
