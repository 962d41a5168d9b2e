"""Property tests of the JSON API generated from its own OpenAPI document (schemathesis), called through
WSGI with two identities: prescriber A and a collaborator of prescriber B. For every operation and every
generated case: no server error, a status code and a body that the document declares, and nothing of
one identity's requests in the other's answers. Bounded: a few examples per operation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from pme.accounts.services.api_tokens import issue_api_token
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.services import submit_request
from pme.authorizations.tests.factories import make_draft
from pme.core.nam import NAM
from pme.core.timeutils import now

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI application directly, which closes the database connection at the end
    of each request; the test's transaction lives on that connection (Django's test client does the
    same disconnection)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@dataclass(frozen=True)
class Identity:
    name: str
    secret: str
    own: list[AuthorizationRequest]


# Loaded through WSGI at collection (no database needed to build the document).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def identities(prescriber, other_prescriber, other_collaborator) -> list[Identity]:
    def secret(user) -> str:
        return issue_api_token(
            user, name="schemathesis", expires_at=now() + dt.timedelta(days=1), actor=None
        )[1]

    a_requests = [
        submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request,
        make_draft(prescriber),
    ]
    b_requests = [
        submit_request(
            request_id=make_draft(
                other_prescriber, nam=NAM.parse("GAGM70010112"), insured_birth_date=dt.date(1970, 1, 1)
            ).pk,
            actor=other_prescriber,
        ).auth_request
    ]
    return [
        Identity("prescriber A", secret(prescriber), a_requests),
        Identity("collaborator of B", secret(other_collaborator), b_requests),
    ]


def _traces(request: AuthorizationRequest) -> list[str]:
    traces = [f'"id": {request.pk},', request.nam]
    if request.number:
        traces.append(request.number)
    return traces


@pytest.mark.schemathesis
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema_and_keeps_identities_apart(case, identities):
    for identity in identities:
        response = case.call(headers={"Authorization": f"Bearer {identity.secret}", "Accept-Language": "en"})
        case.validate_response(response, checks=CHECKS)
        others = [r for other in identities if other is not identity for r in other.own]
        for request in others:
            for trace in _traces(request):
                assert trace not in response.text, f"{identity.name} sees {trace} of another identity"
