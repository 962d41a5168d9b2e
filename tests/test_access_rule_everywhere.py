"""The collaborator's rule holds on every path: sent requests of their prescribers sent in the last 90
days, plus the drafts they entered. Pages, attachments, letters, the JSON API and FHIR all give the same
answer, at the boundary (midnight, Montréal time, 90 days ago) and across a daylight-saving change; a
prescriber keeps all their own; every refused read writes exactly one `access.denied` event and answers
exactly as a truly unknown id does."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from pme.api.tests.test_fhir import claim_bundle
from pme.audit.models import AuditEvent, Outcome
from pme.authorizations.services import _add_attachment
from pme.authorizations.tests.fixtures import pdf_upload
from pme.consultation.tests.factories import sent_at
from pme.core.timeutils import REGIE_TZ
from pme.review import services as review
from pme.review.tests.factories import reviewer_factory
from tests.personas import bearer_client_for, client_for

# Daylight time since 8 March 2026; the window starts in standard time (10 December 2025, 00:00 EST).
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=REGIE_TZ)
WINDOW_START = dt.datetime(2025, 12, 10, 0, 0, tzinfo=REGIE_TZ)
UNKNOWN = 987654


def _accepted(when: dt.datetime, prescriber, reviewer):
    auth_request = sent_at(when, prescriber)
    with time_machine.travel(when + dt.timedelta(minutes=5), tick=False):
        _add_attachment(auth_request, actor=prescriber, upload=pdf_upload())
        review.take_request(reviewer=reviewer, request_id=auth_request.pk)
        decision = review.accept_request(
            reviewer=reviewer,
            request_id=auth_request.pk,
            start=when.date(),
            end=when.date() + dt.timedelta(days=364),
            quantity="1 stylo par mois",
            expected_version=None,
        )
    auth_request.refresh_from_db()
    return SimpleNamespace(request=auth_request, decision=decision, attachment=auth_request.attachments.get())


@pytest.fixture
def world(prescriber, collaborator):
    from pme.accounts.models import Delegation

    # The collaborator has worked for the prescriber for years (the personas' link starts today).
    Delegation.objects.filter(collaborator=collaborator).update(starts_on=dt.date(2020, 1, 1))
    reviewer = reviewer_factory("CE400001")
    return SimpleNamespace(
        recent=_accepted(NOW - dt.timedelta(days=10), prescriber, reviewer),
        boundary=_accepted(WINDOW_START, prescriber, reviewer),  # the first instant of the window
        just_out=_accepted(WINDOW_START - dt.timedelta(seconds=1), prescriber, reviewer),
        old=_accepted(NOW - dt.timedelta(days=365), prescriber, reviewer),
    )


def _paths(item: SimpleNamespace) -> dict[str, tuple[str, str]]:
    """Every way to read one request, as (kind of client, URL)."""
    with time_machine.travel(NOW, tick=False):
        return {
            "page": ("session", reverse("authorizations:detail", args=[item.request.pk])),
            "attachment": ("session", reverse("authorizations:attachment", args=[item.attachment.pk])),
            "letter": ("session", reverse("review:letter", args=[item.decision.pk])),
            "api": ("bearer", reverse("api:request", args=[item.request.pk])),
            "fhir": ("bearer", f"/fhir/R4/ClaimResponse/{item.request.pk}"),
        }


def _unknown_paths() -> dict[str, tuple[str, str]]:
    ghost = SimpleNamespace(
        request=SimpleNamespace(pk=UNKNOWN),
        attachment=SimpleNamespace(pk=UNKNOWN),
        decision=SimpleNamespace(pk=UNKNOWN),
    )
    return _paths(ghost)


def _get(clients: dict[str, Client], kind: str, url: str):
    with time_machine.travel(NOW, tick=False):
        return clients[kind].get(url)


def _normalized(body: bytes, url: str, identifier: int) -> bytes:
    """The answer with what the caller sent removed (the address they typed, the id in it) and the
    per-response CSRF token: what remains must be the same bytes."""
    text = body.decode()
    text = text.replace(url, "URL").replace(str(identifier), "ID")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', text)
    return text.encode()


def _clients(user) -> dict[str, Client]:
    return {"session": client_for(user), "bearer": bearer_client_for(user)}


def _denials() -> int:
    return AuditEvent.objects.filter(action="access.denied").count()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["page", "attachment", "letter", "api", "fhir"])
def test_a_collaborator_reads_only_what_was_sent_in_the_last_90_days(world, collaborator, path):
    clients = _clients(collaborator)
    for name in ("recent", "boundary"):
        kind, url = _paths(getattr(world, name))[path]
        assert _get(clients, kind, url).status_code == 200, (name, path)
    unknown_kind, unknown_url = _unknown_paths()[path]
    unknown = _get(clients, unknown_kind, unknown_url)
    assert unknown.status_code == 404
    for name in ("just_out", "old"):
        item = getattr(world, name)
        kind, url = _paths(item)[path]
        before = _denials()
        response = _get(clients, kind, url)
        assert response.status_code == 404, (name, path)
        assert _denials() == before + 1, "exactly one access.denied event"
        target = {"attachment": item.attachment.pk, "letter": item.decision.pk}.get(path, item.request.pk)
        assert _normalized(response.content, url, target) == _normalized(
            unknown.content, unknown_url, UNKNOWN
        ), "the same answer as for an unknown id"
        assert response["Content-Type"] == unknown["Content-Type"]
    event = AuditEvent.objects.filter(action="access.denied").order_by("-seq").first()
    assert event is not None
    assert event.actor_id == collaborator.pk
    assert event.outcome == Outcome.DENIED  # it exists, and is not theirs
    assert event.nam_hash  # whose information was asked for
    assert event.details["channel"] in ("web", "api", "fhir")


@pytest.mark.django_db
def test_an_unknown_id_is_recorded_as_not_found(world, collaborator):
    clients = _clients(collaborator)
    for kind, url in _unknown_paths().values():
        _get(clients, kind, url)
    events = AuditEvent.objects.filter(action="access.denied", actor=collaborator)
    assert events.count() == 5
    assert {e.outcome for e in events} == {Outcome.NOT_FOUND}
    assert {e.details["channel"] for e in events} == {"web", "api", "fhir"}
    assert all(e.details["id"] == str(UNKNOWN) for e in events)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["page", "attachment", "letter", "api", "fhir"])
def test_the_prescriber_still_reads_all_of_theirs(world, prescriber, path):
    clients = _clients(prescriber)
    for name in ("recent", "boundary", "just_out", "old"):
        kind, url = _paths(getattr(world, name))[path]
        assert _get(clients, kind, url).status_code == 200, (name, path)
    assert _denials() == 0


def _listed_numbers(user) -> dict[str, set[str]]:
    """The request numbers each list shows the user: page, JSON API, FHIR $inquire, panorama."""
    with time_machine.travel(NOW, tick=False):
        page = client_for(user).get(reverse("authorizations:list")).content.decode()
        api = bearer_client_for(user).get(reverse("api:requests")).json()
        bundle = claim_bundle(user if user.role == "prescriber" else world_prescriber(user))
        claim = bundle["entry"][0]["resource"]
        claim.pop("identifier")
        fhir = bearer_client_for(user).post(
            "/fhir/R4/Claim/$inquire", data=json.dumps(bundle), content_type="application/fhir+json"
        )
        panorama = bearer_client_for(user).post(
            reverse("api:consultation_panorama"),
            data=json.dumps({"nam": "TREM 8553 1512"}),
            content_type="application/json",
        )
    numbers = set(re.findall(r"\b20\d\d-\d{6}\b", page))
    return {
        "page": numbers,
        "api": {item["number"] for item in api["items"]},
        "fhir": {e["resource"]["identifier"][0]["value"] for e in fhir.json().get("entry", [])},
        "panorama": {item["number"] for item in panorama.json()["items"]},
    }


def world_prescriber(collaborator):
    from pme.accounts.selectors import prescribers_for

    return prescribers_for(collaborator).get()


@pytest.mark.django_db
def test_every_list_applies_the_same_window(world, collaborator, prescriber):
    recent = {world.recent.request.number, world.boundary.request.number}
    for channel, numbers in _listed_numbers(collaborator).items():
        assert numbers == recent, channel
    everything = recent | {world.just_out.request.number, world.old.request.number}
    lists = _listed_numbers(prescriber)
    assert lists["page"] == everything
    assert lists["api"] == everything
    assert lists["fhir"] == everything
    assert lists["panorama"] == recent  # the panorama's own window is 90 days for everyone


@pytest.mark.django_db
def test_a_collaborator_sees_the_drafts_they_entered_only(prescriber, collaborator):
    from pme.accounts.models import Delegation, DelegationPermission
    from pme.authorizations.tests.factories import make_draft

    Delegation.objects.filter(collaborator=collaborator).update(permission=DelegationPermission.CONSULT_DRAFT)
    theirs = make_draft(prescriber, entered_by=collaborator)
    prescribers_own = make_draft(prescriber)
    client = client_for(collaborator)
    assert client.get(reverse("authorizations:detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("authorizations:detail", args=[prescribers_own.pk])).status_code == 404


@pytest.mark.django_db
def test_many_refused_reads_in_a_short_time_are_signalled(settings, collaborator, prescriber, client):
    """Someone trying request numbers: every refusal is an access.denied event, and a burst of them from
    one user is a signal on the privacy officer's page (the others' scattered refusals are not)."""
    from pme.audit.reads import view_signals
    from pme.audit.tests.fixtures import fr_url

    settings.AUDIT_SIGNAL_DENIALS = 5
    settings.AUDIT_SIGNAL_WINDOW_MINUTES = 10
    start = dt.datetime(2026, 11, 18, 10, 0, tzinfo=REGIE_TZ)
    with time_machine.travel(start, tick=True):
        probing = client_for(collaborator)
        for pk in range(1000, 1006):
            assert probing.get(reverse("authorizations:detail", args=[pk])).status_code == 404
    with time_machine.travel(start + dt.timedelta(hours=3), tick=True):
        client_for(prescriber).get(reverse("authorizations:detail", args=[999]))
    assert AuditEvent.objects.filter(action="access.denied").count() == 7
    officer = _officer()
    day = dt.date(2026, 11, 18)
    found = view_signals(actor=officer, start=day, end=day)
    assert [(s.username, s.denials, s.channels) for s in found.denials] == [
        (collaborator.username, 6, ["web"])
    ]
    page = client_for(officer).get(fr_url("audit:signals") + "?date_from=2026-11-18&date_to=2026-11-18")
    assert collaborator.username in page.content.decode()


def _officer():
    from pme.accounts.models import Role
    from pme.accounts.tests.factories import UserFactory

    return UserFactory.create(username="CE900004", role=Role.PRIVACY_OFFICER)
