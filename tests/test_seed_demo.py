"""`seed_demo` builds a believable world that tells the truth: idempotent, dated in the past and in order,
numbered by year of sending, answered in agreement with the people's ages, written in each prescriber's
language, with decisions, letters, a queue a 7-day target leaves mostly on time, access requests for the
access administrator and incidents in both languages. It runs only with the development settings."""

from __future__ import annotations

import datetime as dt
import io
import pkgutil
from importlib import import_module

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

import pme
from pme.accounts.models import AccessRequest, AccessRequestStatus, User
from pme.audit.models import AuditEvent, ConfidentialityIncident
from pme.authorizations.demo_cases import JULIE
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import Attachment, AuthorizationRequest, RequestVersion, TimelineEntry
from pme.core.timeutils import REGIE_TZ
from pme.portal.management.commands.seed_demo import SEEDS
from pme.review.clock import read_clock
from pme.review.models import Decision, DecisionKind
from tests.language import language_of
from tests.test_demo_walk import small_demo


@pytest.mark.django_db
def test_seed_demo_refuses_outside_the_development_settings(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_every_app_demo_module_is_seeded():
    with_seed = set()
    for module in pkgutil.iter_modules(pme.__path__):
        try:
            demo = import_module(f"pme.{module.name}.demo")
        except ModuleNotFoundError:
            continue
        if hasattr(demo, "seed"):
            with_seed.add(demo.__name__)
    assert with_seed == set(SEEDS)


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_world(monkeypatch, settings):
    small_demo(monkeypatch, settings)
    counts = (AuthorizationRequest.objects.count(), Decision.objects.count(), AccessRequest.objects.count())
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert (
        AuthorizationRequest.objects.count(),
        Decision.objects.count(),
        AccessRequest.objects.count(),
    ) == counts
    assert "exception-demo-2026" in out.getvalue()
    call_command("verify_audit", stdout=io.StringIO())  # raises on a broken chain


@pytest.mark.django_db
def test_the_demo_world_tells_the_truth(monkeypatch, settings):
    small_demo(monkeypatch, settings)
    now = timezone.now()
    requests = AuthorizationRequest.objects.select_related("prescriber", "indication")
    # Nothing is dated in the future, and events come after what they follow.
    for model, field in (
        (AuthorizationRequest, "submitted_at"),
        (AuthorizationRequest, "decided_at"),
        (TimelineEntry, "at"),
        (Decision, "created_at"),
        (RequestVersion, "created_at"),
        (Attachment, "added_at"),
        (AuditEvent, "created_at"),
        (ConfidentialityIncident, "created_at"),
    ):
        assert not model.objects.filter(**{f"{field}__gt": now}).exists(), (model, field)
    for request in requests.exclude(submitted_at=None):
        sent = request.submitted_at
        assert sent is not None
        assert request.number is not None
        assert request.prescriber.date_joined < sent
        assert request.number.startswith(f"{sent.astimezone(REGIE_TZ).year}-")  # by year of sending
        if request.decided_at:
            assert request.decided_at >= sent
        entries = list(request.timeline.order_by("pk"))
        assert [e.at for e in entries] == sorted(e.at for e in entries)
    # The answers agree with the person's age and sex on the day the request was written.
    for request in requests.exclude(submitted_at=None).exclude(answers={}):
        assert request.submitted_at is not None
        day = request.submitted_at.astimezone(REGIE_TZ).date()
        birth = request.insured_birth_date
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        answers = request.answers
        if "adult" in answers:
            assert answers["adult"] is (age >= 18), request.number
        if "age-65" in answers:
            assert answers["age-65"] is (age >= 65), request.number
        if "under-18" in answers:
            assert answers["under-18"] is (age < 18)
        if request.indication and request.indication.key != "glucose-monitoring" and "age" in answers:
            assert int(answers["age"]) == age
        if answers.get("postmenopausal"):
            assert request.nam[6] in "5678"  # the NAM's month +50: a woman
    # Each prescriber writes in their own language.
    for request in requests.exclude(clinical_notes=""):
        assert language_of(request.clinical_notes + " " + request.dosage) in ("", request.prescriber.language)
    # Every status, real decisions with letters, and attachments where the note cites one.
    assert {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.REFUSED,
        Status.INFORMATION_REQUESTED,
    } <= set(requests.values_list("status", flat=True))
    assert Decision.objects.filter(kind=DecisionKind.ACCEPTED).exists()
    assert Decision.objects.filter(kind=DecisionKind.REFUSED).exists()
    for request in requests.filter(clinical_notes__contains="ci-joint") | requests.filter(
        clinical_notes__contains="attached"
    ):
        assert request.attachments.exists(), request.number
    # The queue: a handful past the 7-day target, most on time.
    open_requests = requests.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW])
    late = [r for r in open_requests if read_clock(r, list(r.timeline.all()), at=now).late]
    assert 1 <= len(late) < len(open_requests) / 2
    # Julie Tremblay's requests from Dre Tremblay, at the README's ages.
    julie = requests.filter(nam="TREM85531512", prescriber__username="dre.tremblay")
    ages = sorted((now - r.submitted_at).days for r in julie if r.submitted_at)
    assert ages == sorted(days for days, *_rest in JULIE)
    assert sum(1 for days in ages if days <= 90) == 5
    # The access administrator has work; the incidents are in both languages.
    assert AccessRequest.objects.filter(status=AccessRequestStatus.SUBMITTED).count() == 2
    assert AccessRequest.objects.filter(status=AccessRequestStatus.AWAITING_USER).count() == 1
    languages = {
        language_of(i.description): i.created_by.language for i in ConfidentialityIncident.objects.all()
    }
    assert languages == {"fr": "fr", "en": "en"}
    # Birth dates in the past, people of plausible ages.
    assert not requests.filter(insured_birth_date__gt=now.date() - dt.timedelta(days=365)).exists()
