"""The JSON API through HTTP with bearer tokens: idempotent creation, ETag / If-Match, access, errors."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from pme.accounts.services.api_tokens import issue_api_token, revoke_api_token
from pme.api.tests.helpers import exception_body, exceptional_body, post_json
from pme.audit.models import AuditEvent
from pme.authorizations.models import AuthorizationRequest
from pme.core.timeutils import now
from pme.review.services import take_request
from pme.review.tests.factories import reason
from tests.personas import bearer_client_for

URL = "/api/v1/requests"


@pytest.mark.django_db
def test_create_and_submit_is_idempotent_per_key(prescriber, request_indication):
    client = bearer_client_for(prescriber)
    body = exception_body(request_indication)
    first = post_json(client, URL, body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "accepted"
    assert data["automated"] is True
    assert data["number"]
    again = post_json(client, URL, body, **{"Idempotency-Key": "k-1"})
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    assert again["Idempotent-Replayed"] == "true"
    other = post_json(client, URL, {**body, "dosage": "1 inhalation"}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_mismatch"
    assert AuthorizationRequest.objects.count() == 1


@pytest.mark.django_db
def test_create_without_key_is_400_and_writes_nothing(prescriber):
    response = post_json(bearer_client_for(prescriber), URL, exceptional_body())
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert not AuthorizationRequest.objects.exists()


@pytest.mark.django_db
def test_incomplete_submission_keeps_nothing(prescriber):
    client = bearer_client_for(prescriber)
    response = post_json(client, URL, exceptional_body(dosage=""), **{"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.json()["code"] == "incomplete"
    assert not AuthorizationRequest.objects.exists()
    draft = post_json(client, URL, exceptional_body(dosage="", submit=False), **{"Idempotency-Key": "k"})
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft"


@pytest.mark.django_db
def test_errors_are_translated_per_accept_language(prescriber):
    client = bearer_client_for(prescriber)
    english = client.post(URL, data="{}", content_type="application/json", headers={"Accept-Language": "en"})
    french = client.post(URL, data="{}", content_type="application/json", headers={"Accept-Language": "fr"})
    assert english.json()["code"] == french.json()["code"] == "invalid"
    assert english.json()["message"] == "The request is not valid: see the errors listed."
    assert french.json()["message"] != english.json()["message"]


@pytest.mark.django_db
def test_collaborator_of_another_prescriber_gets_404(prescriber, other_collaborator, sent_request):
    response = bearer_client_for(other_collaborator).get(f"{URL}/{sent_request.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    listed = bearer_client_for(other_collaborator).get(URL).json()["items"]
    assert sent_request.pk not in [item["id"] for item in listed]


@pytest.mark.django_db
def test_stale_if_match_is_412_and_current_one_works(prescriber, sent_request):
    client = bearer_client_for(prescriber)
    read = client.get(f"{URL}/{sent_request.pk}")
    tag = read["ETag"]
    assert tag == f'"{sent_request.pk}-{sent_request.row_version}"'
    stale = f'"{sent_request.pk}-{sent_request.row_version - 1}"'
    refused = post_json(client, f"{URL}/{sent_request.pk}/withdraw", {"note": "x"}, **{"If-Match": stale})
    assert refused.status_code == 412
    assert refused.json()["code"] == "precondition_failed"
    done = post_json(client, f"{URL}/{sent_request.pk}/withdraw", {"note": "x"}, **{"If-Match": tag})
    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn"
    assert done["ETag"] != tag


@pytest.mark.django_db
def test_reviewer_takes_and_refuses_then_prescriber_reads_reasons(prescriber, reviewer, sent_request):
    reason("not-exceptional", applies_to_criterion=False)
    staff = bearer_client_for(reviewer)
    queue = staff.get("/api/v1/review/queue").json()["items"]
    assert [item["id"] for item in queue] == [sent_request.pk]
    taken = staff.post(f"/api/v1/review/requests/{sent_request.pk}/take")
    assert taken.status_code == 200
    assert taken.json()["status"] == "in_review"
    stale = post_json(
        staff,
        f"/api/v1/review/requests/{sent_request.pk}/decision",
        {"decision": "refuse", "reasons": [{"code": "not-exceptional"}], "text": "No."},
        **{"If-Match": f'"{sent_request.pk}-1"'},
    )
    assert stale.status_code == 412
    refused = post_json(
        staff,
        f"/api/v1/review/requests/{sent_request.pk}/decision",
        {"decision": "refuse", "reasons": [{"code": "not-exceptional"}], "text": "No."},
        **{"If-Match": taken["ETag"]},
    )
    assert refused.status_code == 200, refused.content
    mine = bearer_client_for(prescriber).get(f"{URL}/{sent_request.pk}", headers={"Accept-Language": "en"})
    assert mine.json()["status"] == "refused"
    assert [r["code"] for r in mine.json()["refusal_reasons"]] == ["not-exceptional"]


@pytest.mark.django_db
def test_answer_information_request(prescriber, reviewer, sent_request):
    from pme.review.services import request_information

    held = take_request(request_id=sent_request.pk, reviewer=reviewer)
    request_information(
        request_id=held.pk, reviewer=reviewer, questions="Which dose?", expected_version=held.row_version
    )
    client = bearer_client_for(prescriber)
    read = client.get(f"{URL}/{sent_request.pk}").json()
    assert read["status"] == "information_requested"
    assert read["question"] == "Which dose?"
    answered = post_json(client, f"{URL}/{sent_request.pk}/answer", {"text": "300 mg"})
    assert answered.status_code == 200
    assert answered.json()["status"] == "in_review"
    again = post_json(client, f"{URL}/{sent_request.pk}/answer", {"text": "300 mg"})
    assert again.status_code == 409
    assert again.json()["code"] == "not_allowed_now"


@pytest.mark.django_db
def test_list_is_paged_by_cursor(prescriber, request_indication):
    from pme.api.endpoints import requests as endpoint

    client = bearer_client_for(prescriber)
    for i in range(3):
        post_json(client, URL, exceptional_body(submit=False), **{"Idempotency-Key": f"page-{i}"})
    endpoint.PAGE, saved = 2, endpoint.PAGE
    try:
        first = client.get(URL).json()
        second = client.get(URL, {"cursor": first["next_cursor"]}).json()
    finally:
        endpoint.PAGE = saved
    ids = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert len(ids) == len(set(ids)) == 3
    assert second["next_cursor"] is None
    assert client.get(URL, {"cursor": "garbage!"}).json()["code"] == "bad_cursor"


@pytest.mark.django_db
def test_revoked_expired_and_unknown_tokens_get_401(prescriber):
    token, secret = issue_api_token(prescriber, name="t", expires_at=now() + dt.timedelta(days=1), actor=None)
    client = bearer_client_for(None)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(URL, headers=headers).status_code == 200
    revoke_api_token(token, actor=prescriber)
    assert client.get(URL, headers=headers).status_code == 401
    _token, expiring = issue_api_token(
        prescriber, name="e", expires_at=now() + dt.timedelta(days=1), actor=None
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pme.accounts.services.api_tokens.now", lambda: now() + dt.timedelta(days=2))
        assert client.get(URL, headers={"Authorization": f"Bearer {expiring}"}).status_code == 401
    response = client.get(URL, headers={"Authorization": "Bearer pme_not-a-token"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_staff_need_a_second_factor_for_a_token(reviewer):
    from pme.accounts.services.api_tokens import TokenRefused

    with pytest.raises(TokenRefused):
        issue_api_token(reviewer, name="queue robot", expires_at=now() + dt.timedelta(days=1), actor=reviewer)


@pytest.mark.django_db
def test_api_use_is_audited_with_the_token(prescriber, sent_request):
    bearer_client_for(prescriber).get(f"{URL}/{sent_request.pk}")
    event = AuditEvent.objects.filter(action="request.viewed").latest("seq")
    assert event.details["via"] == "api"
    assert event.details["api_token"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_key_create_one_request(prescriber, request_indication):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts need PostgreSQL; SQLite serializes writers")
    secret_client = bearer_client_for(prescriber)
    body = exception_body(request_indication)
    barrier = threading.Barrier(2)
    results: list[tuple[int, int]] = []

    def post() -> None:
        barrier.wait()
        try:
            response = post_json(secret_client, URL, body, **{"Idempotency-Key": "race"})
            results.append((response.status_code, response.json()["id"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _id in results) == [200, 201]
    assert len({pk for _code, pk in results}) == 1
    assert AuthorizationRequest.objects.count() == 1
