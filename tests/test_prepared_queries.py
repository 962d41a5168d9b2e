"""The prepared forms of the hot look-ups (pme/core/prepared.py) give what their querysets give.

Each door that runs a prepared form is compared with the same queryset run by the ORM, for actors of
every role that reaches it, including the ones the access rule refuses, and again after the shapes were
compiled for another actor (the second run reuses the SQL with new values).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections, transaction

from pme.accounts.models import Role
from pme.accounts.selectors import prescribers_for, prescribers_list
from pme.accounts.tests.factories import DelegationFactory, PrescriberProfileFactory, UserFactory
from pme.authorizations import reads as request_reads
from pme.authorizations.access import requests_visible_to
from pme.authorizations.tests.factories import make_draft
from pme.consultation import selectors
from pme.core import prepared
from pme.core.nam import NAM
from pme.core.prepared import Prepared


def _rows(requests):
    """What a page shows of each request, with what select_related and the annotations brought."""
    return [
        (
            r.pk,
            r.status,
            r.number,
            r.prescriber.last_name,
            r.drug_id and r.drug.generic_name_fr,
            getattr(r, "question", None),
            getattr(r, "question_at", None),
            getattr(r, "refusal_reason", None),
            getattr(r, "answered_at", None),
        )
        for r in requests
    ]


@pytest.fixture
def world(prescriber, other_prescriber, collaborator, other_collaborator, pharmacist):
    from pme.authorizations.services import submit_request
    from pme.authorizations.tests.factories import codified_indication

    indication = codified_indication()
    DelegationFactory.create(collaborator=collaborator, prescriber=other_prescriber)
    sent = [
        submit_request(request_id=make_draft(p, indication, **extra).pk, actor=p).auth_request
        for p, extra in (
            (prescriber, {}),
            (prescriber, {"answers": {"exacerbations": False}}),
            (other_prescriber, {}),
        )
    ]
    draft = make_draft(prescriber)
    return sent, draft


@pytest.mark.django_db
def test_the_panorama_gives_what_its_queryset_gives(world, prescriber, collaborator, other_collaborator):
    nam = NAM.parse(world[0][0].nam)
    for actor in (prescriber, collaborator, other_collaborator, prescriber, collaborator):
        follows = request_reads.prescribers_user_follows(actor)
        expected = list(selectors.panorama_queryset(actor, follows, nam))
        assert _rows(selectors.panorama(actor, follows, nam)) == _rows(expected)
    assert len(expected) == 3  # the collaborator works for both prescribers: every sent request


@pytest.mark.django_db
def test_the_pharmacist_look_up_gives_what_its_queryset_gives(world, pharmacist, prescriber):
    nam = NAM.parse(world[0][0].nam)
    for actor in (pharmacist, prescriber, pharmacist):
        expected = list(selectors._status_rows(actor, nam.value))
        assert selectors.STATUS.run((actor.role, actor.is_active), user=actor.pk, nam=nam.value) == expected
    assert len(expected) == 3
    lines, person = selectors.status_lookup(pharmacist, nam)
    assert [line.number for line in lines] == [row["number"] for row in expected]
    assert person == "Julie Tremblay"


@pytest.mark.django_db
def test_the_request_fetch_gives_what_the_access_rule_gives(world, personas):
    sent, draft = world
    for actor in vars(personas).values():
        for item in (*sent, draft):
            visible = requests_visible_to(actor).filter(pk=item.pk).first()
            found = request_reads.VISIBLE_REQUEST.run(
                (actor.role, actor.is_active, True), user=actor.pk, request=item.pk
            )
            assert [r.pk for r in found] == ([visible.pk] if visible else []), (actor.username, item.pk)
            if found and visible is not None:
                assert found[0].prescriber == visible.prescriber
                assert found[0].has_unread in (True, False)


@pytest.mark.django_db
def test_the_prescribers_of_a_collaborator_are_read_anew_each_time(collaborator, prescriber):
    assert prescribers_list(collaborator) == list(prescribers_for(collaborator)) == [prescriber]
    later = PrescriberProfileFactory.create(user__last_name="Zed").user
    DelegationFactory.create(collaborator=collaborator, prescriber=later)
    assert prescribers_list(collaborator) == list(prescribers_for(collaborator)) == [prescriber, later]
    assert prescribers_list(UserFactory.create(role=Role.PHARMACIST)) == []


@pytest.mark.django_db
def test_a_new_day_compiles_anew(world, prescriber, monkeypatch):
    nam = NAM.parse(world[0][0].nam)
    selectors.panorama(prescriber, [prescriber], nam)
    store = connections["default"].__dict__["_pme_prepared"]
    before = {k for k in store if k[0] == "panorama"}
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(prepared, "local_today", lambda: tomorrow)
    selectors.panorama(prescriber, [prescriber], nam)
    after = {k for k in store if k[0] == "panorama"}
    assert after - before
    assert all(k[-1] == tomorrow for k in after - before)


@pytest.mark.django_db
def test_every_window_of_a_query_runs_from_one_compiled_form(world, prescriber):
    """A window's offset and limit are parameters: paging through a list compiles it once, and each
    window gives the rows the sliced queryset gives."""
    from pme.authorizations.models import AuthorizationRequest

    def ordered(shape, user):
        return AuthorizationRequest.objects.filter(prescriber_id=user).order_by("pk").values("pk")

    listed = Prepared("probe_window", ordered)
    everything = [r["pk"] for r in ordered((), prescriber.pk)]
    assert len(everything) >= 3
    store = connections["default"].__dict__.setdefault("_pme_prepared", {})
    for offset, limit in [(0, 2), (1, 2), (2, 5), (len(everything), 2), (0, 0)]:
        rows = listed.run(window=(offset, limit), user=prescriber.pk)
        assert [r["pk"] for r in rows] == everything[offset : offset + limit]
    assert len([k for k in store if k[0] == "probe_window"]) == 1
    assert [r["pk"] for r in listed.run(user=prescriber.pk)] == everything  # unwindowed: its own form
    with pytest.raises(ValueError, match="two integers from 0"):
        listed.run(window=(-1, 2), user=prescriber.pk)
    sliced = Prepared("probe_sliced", lambda shape, user: ordered(shape, user)[:2])
    with pytest.raises(ValueError, match="unsliced"):
        sliced.run(window=(0, 2), user=prescriber.pk)


@pytest.mark.django_db
def test_a_value_the_orm_transforms_cannot_be_prepared(prescriber):
    """A stand-in that reaches the SQL changed (here a LIKE pattern) is refused, never run as it is."""
    from pme.authorizations.models import AuthorizationRequest

    like = Prepared(
        "probe", lambda shape, name: AuthorizationRequest.objects.filter(insured_last_name__icontains=name)
    )
    with pytest.raises(ValueError, match="transformed"):
        like.run(name="Tremblay")


@pytest.mark.django_db
def test_the_coverage_rows_give_what_their_queryset_gives(world, pharmacist, prescriber):
    """The rows are found by the product's name (so the product's own read can go with them): the same as
    the person's requests for the product's drug, or with its DIN typed on them, read by id."""
    from django.db.models import Q

    from pme.authorizations.access import status_lines_visible_to
    from pme.authorizations.lifecycle import Status
    from pme.authorizations.services import submit_request
    from pme.catalogue.codification import product_name
    from pme.catalogue.models import DIN
    from pme.consultation import coverage

    first = world[0][0]
    nam = NAM.parse(first.nam)
    din = DIN.objects.create(drug=first.drug, din="09876543").din
    # An exceptional patient's request for the same person: the DIN as typed, no catalogue drug.
    typed = submit_request(request_id=make_draft(prescriber, din=din).pk, actor=prescriber).auth_request
    assert typed.drug_id is None
    for actor in (pharmacist, prescriber, pharmacist):
        for product_din in ("", din):
            name = product_name(product_din or first.drug.key)
            assert name is not None
            same_drug = (
                Q(drug_id=first.drug.pk) | Q(din=product_din) if product_din else Q(drug_id=first.drug.pk)
            )
            expected = list(
                status_lines_visible_to(actor)
                .filter(same_drug, nam=nam.value)
                .exclude(status=Status.WITHDRAWN)
                .order_by("-submitted_at", "-pk")
                .values(*coverage._FIELDS)[:100]
            )
            assert list(coverage._rows_queryset(actor, nam.value, name)) == expected
            with transaction.atomic():
                (rows,) = prepared.run_together(coverage._rows_read(actor, nam, name))
            assert rows == expected
            if actor.role == Role.PHARMACIST:  # the pharmacist's rule: every prescriber's request
                assert (typed.pk in {r["pk"] for r in rows}) == bool(product_din)
                assert len(rows) == (4 if product_din else 3)


@pytest.mark.django_db
def test_a_product_is_found_by_din_or_key_as_the_catalogue_says(world):
    from pme.catalogue.codification import find_product
    from pme.catalogue.models import DIN

    drug = world[0][0].drug
    DIN.objects.create(drug=drug, din="09876543")
    by_din, by_key = find_product("0987 6543"), find_product(drug.key)
    assert by_din == find_product("09876543")
    assert by_din is not None
    assert (by_din.drug, by_din.din) == (drug, "09876543")
    assert by_key is not None
    assert (by_key.drug, by_key.din) == (drug, "")
    assert find_product("09999999") is None
    assert find_product("nothing-like-it") is None
    DIN.objects.filter(din="09876543").delete()
    assert find_product("09876543") is None  # the prepared form runs anew: no stale answer


def _queue_rows(requests):
    """What a queue row shows of each request (the columns `queue_page` reads, its drug and reviewer)."""
    return [
        (
            r.pk,
            r.number,
            r.status,
            r.urgency,
            r.is_review,
            r.queued_since,
            r.drug_label,
            r.assigned_to_id and r.assigned_to.get_full_name(),
        )
        for r in requests
    ]


@pytest.mark.django_db
def test_the_unfiltered_queue_gives_what_its_queryset_gives(world, prescriber, collaborator):
    """Each page window, the drug list and the rows' timelines, for two reviewers and again for the
    first (the second run reuses the SQL), and for a collaborator (the access rule's other shape)."""
    from pme.review import selectors as review
    from pme.review.tests.factories import reviewer_factory, taken

    sent, _draft = world
    first, second = reviewer_factory("CE100081"), reviewer_factory("CE100082")
    taken(sent[1], second)
    for actor in (first, second, first, collaborator):
        expected = list(review.queue_page(actor))
        pages = review.UnfilteredQueue(actor, len(expected))
        assert _queue_rows(pages[0:2]) + _queue_rows(pages[2:4]) == _queue_rows(expected)
        assert _queue_rows(pages[1:]) == _queue_rows(expected[1:])
        assert review.listed_drugs_in_queue(actor) == list(review.drugs_in_queue(actor))
        moment = dt.datetime.now(dt.UTC)
        rows = review.with_clocks(expected, at=moment)
        assert [r.clock for r in rows] == [review.clock_of(r, at=moment) for r in expected]
    assert len(expected) == 1  # the collaborator: the one request of the prescriber they work for
    assert review.with_clocks([]) == []


@pytest.mark.django_db
def test_the_api_token_look_up_gives_what_its_queryset_gives(
    prescriber, pharmacist, django_assert_num_queries
):
    """Each secret finds its own token, with the user and the prescriber's profile in the same query; an
    unknown, revoked or expired secret finds nothing usable; the second caller reuses the SQL."""
    from django.utils import timezone

    from pme.accounts.models import ApiToken
    from pme.accounts.services.api_tokens import hash_secret, issue_api_token, revoke_api_token, use_api_token

    connections["default"].__dict__.pop("_pme_prepared", None)  # forms compiled by earlier tests, other days
    later = timezone.now() + dt.timedelta(days=30)
    mine, my_secret = issue_api_token(prescriber, name="EMR", expires_at=later, actor=prescriber)
    theirs, their_secret = issue_api_token(pharmacist, name="Pharmacy", expires_at=later, actor=pharmacist)
    for token, secret in ((mine, my_secret), (theirs, their_secret), (mine, my_secret)):
        found = use_api_token(secret)
        expected = (
            ApiToken.objects.select_related("user", "user__prescriber_profile")
            .filter(secret_hash=hash_secret(secret))
            .first()
        )
        assert found == expected == token
        with django_assert_num_queries(0):
            assert found.user == token.user
            profile = getattr(found.user, "prescriber_profile", None)
        assert (profile is not None) == (token.user == prescriber)
    store = connections["default"].__dict__["_pme_prepared"]
    assert len([k for k in store if k[0] == "api_token"]) == 1  # one compiled form for every secret
    assert use_api_token("pme_" + "x" * 43) is None
    revoke_api_token(theirs, actor=pharmacist)
    assert use_api_token(their_secret) is None
    ApiToken.objects.filter(pk=mine.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert use_api_token(my_secret) is None


@pytest.fixture
def pipelines(monkeypatch):
    """The psycopg pipelines opened during the test (none on SQLite, which has no pipeline mode)."""
    connection = connections["default"]
    connection.ensure_connection()
    opened = []
    if connection.vendor == "postgresql":
        original = type(connection.connection).pipeline

        def pipeline(self):
            opened.append(self)
            return original(self)

        monkeypatch.setattr(type(connection.connection), "pipeline", pipeline)
    return opened


@pytest.mark.django_db
def test_a_requests_lists_read_together_give_what_their_querysets_give(world, pipelines):
    """The request page's four lists in one call: on PostgreSQL sent in one pipeline (one round trip),
    each list what its queryset gives, in its order; a request with empty lists gives empty lists."""
    sent, draft = world
    connection = connections["default"]
    names = list(request_reads._LISTS)
    for item in (sent[0], draft, sent[0]):
        found = prepared.run_together(*((request_reads._LISTS[n], (), {"request": item.pk}) for n in names))
        for name, rows in zip(names, found, strict=True):
            expected = list(request_reads._LISTS[name].build((), request=item.pk))
            assert [(r.pk, str(r)) for r in rows] == [(r.pk, str(r)) for r in expected], name
    assert found[names.index("timeline")]  # the sent request (the last one read) has a timeline
    assert len(pipelines) == (3 if connection.vendor == "postgresql" else 0)


@pytest.mark.django_db(transaction=True)
def test_a_throttle_count_goes_with_the_reads_and_rolls_back_with_them(world, pharmacist, pipelines):
    """A coverage check sends its count, the product and the rows together (one pipeline on PostgreSQL, with
    the transaction's BEGIN); each answer is what it would be alone, and a check that fails after (here an
    unknown product, found only then) leaves the count unchanged, as the transaction rolls back."""
    from pme.catalogue.codification import find_product, product_name
    from pme.consultation import coverage
    from pme.consultation.token_throttle import count_call, count_statement
    from pme.core import throttle

    first = world[0][0]
    nam = NAM.parse(first.nam)
    connection = connections["default"]
    name = product_name(first.drug.key)
    assert name is not None
    counted = count_statement("probe", "token:1", limit=2, window=60, at=1000.0)
    with transaction.atomic():
        answer, products, rows = prepared.run_together(
            counted.statement, name.read(), coverage._rows_read(pharmacist, nam, name)
        )
    assert counted.verdict(answer).allowed
    assert name.product(products) == find_product(first.drug.key)
    assert [r["pk"] for r in rows] == [r.pk for r in sorted(world[0], key=lambda r: r.submitted_at)[::-1]]
    assert len(pipelines) == (1 if connection.vendor == "postgresql" else 0)

    def count_then_fail() -> None:
        with transaction.atomic():
            again = count_statement("probe", "token:1", limit=2, window=60, at=1000.0)
            prepared.run_together(again.statement)
            raise LookupError  # what the door raises for a product it does not know

    with pytest.raises(LookupError):
        count_then_fail()
    second = count_call(
        "probe", "token:1", limit=2, window=60, at=1000.0
    )  # the rolled-back count is not kept
    third = count_call("probe", "token:1", limit=2, window=60, at=1000.0)
    assert (second.allowed, third.allowed) == (True, False)
    assert throttle.taken([], "rate:probe:token:1", counted.rate, at=1000.0).retry_after > 0
