"""API tokens (issue 14, findings 2 and 11): bad tokens from one address never lock out a valid token
from it; each token has a rate limit, answered 429 with Retry-After in the API's and FHIR's formats."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pme.accounts import throttle
from pme.audit.models import AuditEvent
from tests.personas import bearer_client_for

PROXY = "10.0.0.1"


@pytest.mark.django_db
def test_bad_tokens_from_an_address_never_refuse_a_valid_token_from_it(prescriber):
    bad = Client(HTTP_AUTHORIZATION="Bearer pme_not-a-real-token", REMOTE_ADDR=PROXY)
    statuses = [bad.get("/api/v1/requests").status_code for _ in range(throttle.TOKEN_ADDRESS.free + 5)]
    assert statuses == [401] * throttle.TOKEN_ADDRESS.free + [429] * 5
    assert AuditEvent.objects.filter(action="api_token.failed").count() == throttle.TOKEN_ADDRESS.free
    good = bearer_client_for(prescriber)
    assert good.get("/api/v1/requests", REMOTE_ADDR=PROXY).status_code == 200  # before the fix: 429
    fhir = good.get("/fhir/R4/ClaimResponse/999999", REMOTE_ADDR=PROXY)
    assert fhir.status_code == 404


@pytest.mark.django_db
def test_each_token_has_a_rate_limit_in_the_apis_error_format(settings, prescriber):
    settings.PME_API_BURST = 5
    settings.PME_API_RATE_PER_MINUTE = 60
    client = bearer_client_for(prescriber)
    statuses = [client.get("/api/v1/requests").status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    refused = client.get("/api/v1/requests", HTTP_ACCEPT_LANGUAGE="en")
    assert refused["Retry-After"] == "1"
    assert refused.json() == {"code": "throttled", "message": "Too many requests. Try again in 1 seconds."}
    fhir = client.get("/fhir/R4/ClaimResponse/1")
    assert fhir.status_code == 429
    assert json.loads(fhir.content)["issue"][0]["code"] == "throttled"
    other = bearer_client_for(prescriber)  # another token of the same person has its own rate
    assert other.get("/api/v1/requests").status_code == 200


def test_the_default_rate_is_sized_for_a_clinics_records_system(settings):
    """300 a minute (5 a second) after a burst of 60: six times what a records system needs to poll 50
    open requests every minute; the review's 300 reads in 5 seconds are no longer all served."""
    from config import settings as project

    assert (project.PME_API_RATE_PER_MINUTE, project.PME_API_BURST) == (300, 60)
    served_in_five_seconds = project.PME_API_BURST + 5 * project.PME_API_RATE_PER_MINUTE // 60
    assert served_in_five_seconds == 85
