"""Synthetic data for the benchmarks (`manage.py generate_data`, bench/run.py): ten years of requests.

Shape at full scale (3 M requests): 3.7 M insured persons, of whom one in fifty is a chronic patient who
renews treatments year after year (40 % of the requests, about 16 each in ten years); the others have one now
and then (`person_for`: a person's number of requests does not grow with the size of the data); 25,000
prescribers with skewed activity (a person mostly stays with the same prescriber), 10,000 collaborators each
working for one to three prescribers, drugs and indications of the catalogue with skewed popularity, and
sending dates over ten years growing ~5 % a year. Each sent request lives a drawn life (`_life`: accepted at
once by the criteria check, or taken by a reviewer, perhaps questioned, then decided; a refusal sometimes
reviewed) at rates that meet a 7-day decision target, and its status is where that life has reached today:
only the last days' requests are still open (a few thousand at 3 M). Every event is a timeline entry (taking a
request is not written), and open requests carry their review queue order (pme/authorizations/queue.py).

Requests and timeline entries are written with PostgreSQL COPY (or batched INSERTs on SQLite) straight in
their final state: they are inserted, never updated, so the frozen-content triggers are not involved; a
large load on PostgreSQL drops the two tables' secondary indexes and foreign keys first and builds them
again at the end (faster than maintaining them row by row). The queue counters are recounted after the
load. No audit events are written for generated data. Running it again *adds* N requests (ids, numbers and the
yearly counters continue); the users are created once. The same seed gives the same data.
"""

# ruff: noqa: S311, S608  (seeded pseudo-random data on purpose; table names come from the models)
from __future__ import annotations

import datetime as dt
import functools
import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from queue import Queue
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from pme.accounts.models import Delegation, PharmacistProfile, PrescriberProfile, Profession, Role, User
from pme.authorizations.models import AuthorizationRequest, RequestCounter, TimelineEntry
from pme.authorizations.queue import queue_fields, rebuild_counts
from pme.catalogue.models import Indication
from pme.core.nam import name_letters

FULL_REQUESTS = 3_000_000
FULL_PERSONS = 3_700_000
FULL_PRESCRIBERS = 25_000
FULL_COLLABORATORS = 10_000
PHARMACISTS = 200
YEARS = 10
BATCH = 20_000
REBUILD_FROM = 50_000  # a load this large (and at least half the table) rebuilds the indexes after it
PREFIX = "gen-"  # usernames of generated users
UNUSABLE_PASSWORD = "!generated"

SURNAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
    "Lefebvre",
    "Poulin",
    "Thibault",
    "St-Pierre",
    "Nadeau",
    "Martin",
    "Landry",
    "Martel",
    "Bédard",
    "Grenier",
    "Lessard",
    "Bernier",
    "Richard",
    "Michaud",
    "Hébert",
    "Desjardins",
    "Couture",
    "Turcotte",
    "Lachance",
    "Parent",
    "Blais",
    "Gosselin",
    "Savard",
    "Proulx",
    "Beaudoin",
    "Demers",
    "Perreault",
    "Boudreau",
    "Lemieux",
    "Cyr",
    "Perron",
    "Dufour",
    "Dion",
    "Mercier",
    "Bolduc",
    "Bérubé",
    "Boivin",
    "Langlois",
    "Ménard",
    "Nguyen",
    "Smith",
    "Wilson",
    "Chen",
    "Singh",
    "Kaur",
    "Haddad",
    "Joseph",
    "Pierre",
    "Charles",
    "Nadeau",
    "Vachon",
    "Lemay",
    "Rousseau",
]
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Louise",
    "Pierre",
    "Julie",
    "Michel",
    "Nathalie",
    "Luc",
    "Sophie",
    "Marc",
    "Isabelle",
    "André",
    "Chantal",
    "François",
    "Lucie",
    "Daniel",
    "Sylvie",
    "Alain",
    "Manon",
    "Martin",
    "Catherine",
    "Éric",
    "Julien",
    "Émilie",
    "Olivier",
    "Camille",
    "Gabriel",
    "Léa",
    "Félix",
    "Chloé",
    "William",
    "Zoé",
    "Thomas",
    "Alice",
    "Samuel",
    "Rosalie",
    "Mohamed",
    "Fatima",
    "Wei",
    "Priya",
    "Kevin",
    "Amélie",
    "Hugo",
    "Noémie",
    "Louis",
    "Maude",
]

# The life of a sent request, drawn from these rates (assumed, for a 7-day standard and 72-hour urgent
# decision target met most of the time): its status today is where that life has reached at `now`, so only
# the last days' requests are still open (a few thousand at 3 M requests), plus the few questions the
# prescriber has not answered yet.
AUTOMATED_SHARE = 0.25  # accepted at once by the criteria check
WITHDRAWN_EARLY_SHARE = 0.02  # withdrawn before a reviewer takes it
WAIT_TO_TAKE_DAYS = {False: 1.5, True: 0.25}  # mean, exponential (standard, urgent)
ASSESS_DAYS = 0.4  # mean time from taking to deciding
INFORMATION_SHARE = 0.10  # the reviewer asks the prescriber first
ANSWER_DAYS = 4.0  # mean time the prescriber takes to answer
UNANSWERED_SHARE = 0.15  # never answered: withdrawn after 20 to 90 days
REFUSED_SHARE, WITHDRAWN_LATE_SHARE = 0.15, 0.03  # of the manual decisions; the rest is accepted
REVIEW_SHARE = 0.2  # of the refusals, a review is asked (within 6 months)
REVIEW_ASKED_DAYS, REVIEW_DECIDED_DAYS = 15.0, 1.5
URGENT_SHARE = 0.05
DRAFT_SHARE = 0.02  # never sent: no number, no sending date
REFUSAL = {
    "code": "criteria_not_met",
    "fr": "Les critères de paiement ne sont pas remplis.",
    "en": "The payment criteria are not met.",
}


@dataclass
class Population:
    """What the requests are drawn from."""

    prescriber_ids: list[int]
    collaborator_ids: list[int]
    pharmacist_ids: list[int]
    reviewer_ids: list[int]
    indications: list[tuple[int, int]]  # (indication pk, drug pk), most requested first
    persons: int

    def __post_init__(self) -> None:
        if not self.prescriber_ids or not self.indications or not self.reviewer_ids:
            raise ValueError("a population needs prescribers, a reviewer and catalogue indications")


@dataclass
class Report:
    requests: int = 0
    timeline_entries: int = 0
    users_created: int = 0
    seconds: float = 0.0
    index_seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)


def scaled(full: int, requests: int, minimum: int) -> int:
    """Users at full scale from 100,000 requests on (the scaling runs compare the same population of
    users), proportionally fewer below, never fewer than `minimum`."""
    return max(minimum, min(full, full * requests // 100_000))


CHRONIC_SHARE = 0.4  # of the requests: chronic patients' renewals and second drugs
CHRONIC_EVERY = 50  # one insured person in fifty is a chronic patient (about 16 requests each in ten years)


def person_for(rng: random.Random, persons: int) -> int:
    """The insured person (a number below `persons`) of the next request: a chronic patient (the first
    fiftieth) for 40 % of them, anyone else for the rest, each uniformly. A person's expected number of
    requests is the same at 100,000 and at 3 M requests; a power-law draw gave the first person 2,000 of
    100,000 and 25,000 of 3 M (growing as N^(2/3)), an impossible patient who made every look-up of
    theirs heavier as the data grew."""
    chronic = max(1, persons // CHRONIC_EVERY)
    if rng.random() < CHRONIC_SHARE or chronic == persons:
        return int(chronic * rng.random())
    return chronic + int((persons - chronic) * rng.random())


def nam_for(person: int, rng_state: int = 0) -> tuple[str, str, str, dt.date]:
    """The (NAM, surname, first name, birth date) of insured person number `person`, deterministic."""
    h = (person * 2_654_435_761 + rng_state) & 0xFFFFFFFF
    surname = SURNAMES[h % len(SURNAMES)]
    first = FIRST_NAMES[(h >> 8) % len(FIRST_NAMES)]
    year = 1930 + (h >> 12) % 90
    month = 1 + (h >> 4) % 12
    day = 1 + (h >> 16) % 28
    female = (h >> 20) & 1
    nam = (
        f"{_name_letters(surname, first)}{year % 100:02d}{month + 50 * female:02d}{day:02d}{person % 100:02d}"
    )
    return nam, surname, first, dt.date(year, month, day)


# The NAM's letters of each pair of names (81 surnames × 46 first names), worked out once.
_name_letters = functools.cache(name_letters)


# --- users ----------------------------------------------------------------------------------------------


def ensure_population(*, requests: int, seed: int, reviewer: User | None = None) -> tuple[Population, int]:
    """Creates the generated users once (prescribers, collaborators with delegations, pharmacists), and
    returns the population plus how many users were created."""
    rng = random.Random(seed * 7 + 1)
    created = 0
    if not User.objects.filter(username=f"{PREFIX}p00000").exists():
        created = _create_users(
            rng,
            prescribers=scaled(FULL_PRESCRIBERS, requests, 5),
            collaborators=scaled(FULL_COLLABORATORS, requests, 3),
        )
    if reviewer is None and not User.objects.filter(role=Role.REVIEWER, is_active=True).exists():
        User.objects.create(
            username=f"{PREFIX}reviewer", role=Role.REVIEWER, password=UNUSABLE_PASSWORD, last_name="Révision"
        )
        created += 1

    def ids(role: str) -> list[int]:
        return list(
            User.objects.filter(username__startswith=PREFIX, role=role)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    indications = _indications()
    return (
        Population(
            prescriber_ids=ids(Role.PRESCRIBER),
            collaborator_ids=ids(Role.COLLABORATOR),
            pharmacist_ids=ids(Role.PHARMACIST),
            reviewer_ids=list(
                User.objects.filter(role=Role.REVIEWER, is_active=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
            indications=indications,
            persons=max(50, FULL_PERSONS * requests // FULL_REQUESTS),
        ),
        created,
    )


def _indications() -> list[tuple[int, int]]:
    if not Indication.objects.exists():
        from pme.catalogue.demo import load_seed_catalogue

        load_seed_catalogue()
    pairs = list(Indication.objects.order_by("pk").values_list("pk", "drug_id"))
    random.Random(0).shuffle(pairs)  # the popularity ranking
    return pairs


def _person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(SURNAMES)


def _create_users(rng: random.Random, *, prescribers: int, collaborators: int) -> int:
    joined = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)

    def user(username: str, role: str) -> User:
        first, last = _person_name(rng)
        return User(
            username=username,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            password=UNUSABLE_PASSWORD,
            date_joined=joined,
            language="fr" if rng.random() < 0.85 else "en",
        )

    with transaction.atomic():
        made = User.objects.bulk_create(
            [user(f"{PREFIX}p{i:05d}", Role.PRESCRIBER) for i in range(prescribers)], batch_size=BATCH // 4
        )
        professions = [Profession.GENERAL_PRACTITIONER] * 6 + [Profession.SPECIALIST] * 3
        professions += [Profession.NURSE_PRACTITIONER]
        PrescriberProfile.objects.bulk_create(
            [
                PrescriberProfile(
                    user=u, profession=rng.choice(professions), professional_number=f"{9_000_000 + i}"
                )
                for i, u in enumerate(made)
            ],
            batch_size=BATCH // 4,
        )
        collab = User.objects.bulk_create(
            [user(f"{PREFIX}c{i:05d}", Role.COLLABORATOR) for i in range(collaborators)],
            batch_size=BATCH // 4,
        )
        delegations = []
        for c in collab:
            # One to three prescribers, neighbours in the list (a clinic).
            first = rng.randrange(len(made))
            for k in range(rng.choice((1, 1, 2, 3))):
                delegations.append(
                    Delegation(
                        collaborator=c,
                        prescriber=made[(first + k) % len(made)],
                        permission=rng.choice(("consult", "consult_draft")),
                        starts_on=dt.date(2016, 1, 1),
                        accepted_at=joined,
                    )
                )
        Delegation.objects.bulk_create(delegations, batch_size=BATCH // 4)
        pharm = User.objects.bulk_create(
            [user(f"{PREFIX}f{i:05d}", Role.PHARMACIST) for i in range(PHARMACISTS)], batch_size=BATCH // 4
        )
        PharmacistProfile.objects.bulk_create(
            [
                PharmacistProfile(user=u, licence_number=f"{8_000_000 + i}", pharmacy=f"Pharmacie {i}")
                for i, u in enumerate(pharm)
            ]
        )
    return len(made) + len(collab) + len(pharm)


# --- requests -------------------------------------------------------------------------------------------


class Writer:
    """Formats values for one database and writes batches of rows (COPY or executemany)."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def ts(self, epoch: float | None) -> str | None:
        if epoch is None:
            return None
        # isoformat is C code, several times faster than strftime: "2026-12-01 16:44:12+00:00" (SQLite
        # stores UTC without the offset).
        text = dt.datetime.fromtimestamp(int(epoch), dt.UTC).isoformat(" ")
        return text if self.postgres else text[:19]

    def boolean(self, value: bool) -> str:
        return ("t" if value else "f") if self.postgres else ("1" if value else "0")

    def uuid(self, bits: int) -> str:
        """A version-4 UUID from 128 random bits, as 32 hex digits (both databases read that form);
        formatting it directly is several times faster than uuid.UUID."""
        return f"{(bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48):032x}"

    def write(self, table: str, columns: Sequence[str], rows: list[list[str | None]]) -> None:
        with connection.cursor() as cursor:
            if self.postgres:
                _copy(cursor.cursor, table, columns, rows)  # the psycopg cursor under Django's wrapper
            else:
                marks = ", ".join("%s" for _ in columns)
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: list[list[str | None]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write("".join(["\t".join([r"\N" if v is None else v for v in row]) + "\n" for row in rows]))


class CopyPipe:
    """COPY batches sent from a second thread on the same PostgreSQL connection (same transaction), so
    that the next batch is drawn while the server takes in the last one; at most one batch waits."""

    def __init__(self) -> None:
        self.raw: Any = connection.connection  # the psycopg connection, inside the caller's transaction
        self.batches: Queue[list[tuple[str, Sequence[str], list[list[str | None]]]] | None] = Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="datagen-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.raw.cursor() as cursor:
                    for table, columns, rows in batch:
                        _copy(cursor, table, columns, rows)
            except BaseException as error:  # handed to the main thread by put() or close()
                self.error = error

    def put(self, batch: list[tuple[str, Sequence[str], list[list[str | None]]]]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def close(self) -> None:
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class Life:
    """What happened to one sent request up to `now`: its timeline events (at, action, from, to, by a
    reviewer, note), its status and the fields that follow from them."""

    __slots__ = (
        "assigned",
        "automated",
        "decided_at",
        "events",
        "is_review",
        "last_at",
        "queued_since",
        "refused_once",
        "status",
    )

    def __init__(self, sent: float) -> None:
        self.events: list[tuple[float, str, str, str, bool, str]] = [
            (sent, "transmit", "draft", "submitted", False, "")
        ]
        self.status = "submitted"
        self.last_at = self.queued_since = sent
        self.decided_at: float | None = None
        self.assigned = self.automated = self.is_review = self.refused_once = False

    def move(self, at: float, action: str, to: str, *, by_reviewer: bool = True, note: str = "") -> None:
        self.events.append((at, action, self.status, to, by_reviewer, note))
        self.status, self.last_at = to, at


INFORMATION_NOTE = "Veuillez joindre le dernier résultat de laboratoire."


def _life(rng: random.Random, sent: float, urgent: bool, now: float) -> Life:
    """Draws the request's life and stops at `now` (events after it have not happened yet)."""
    day = 86_400.0
    life = Life(sent)
    if rng.random() < AUTOMATED_SHARE:
        at = sent + 30
        if at <= now:
            life.move(at, "accept_automatically", "accepted", by_reviewer=False)
            life.decided_at, life.automated = at, True
        return life
    if rng.random() < WITHDRAWN_EARLY_SHARE:
        at = sent + rng.expovariate(1.0) * day
        if at <= now:
            life.move(at, "withdraw", "withdrawn", by_reviewer=False)
        return life
    at = sent + rng.expovariate(1 / WAIT_TO_TAKE_DAYS[urgent]) * day  # taken (no timeline entry written)
    if at > now:
        return life
    life.status, life.assigned = "in_review", True
    at += rng.expovariate(1 / ASSESS_DAYS) * day
    if at > now:
        return life
    if rng.random() < INFORMATION_SHARE:
        life.move(at, "request_information", "information_requested", note=INFORMATION_NOTE)
        if rng.random() < UNANSWERED_SHARE:
            at += rng.uniform(20, 90) * day
            if at <= now:
                life.move(at, "withdraw", "withdrawn", by_reviewer=False)
            return life
        at += rng.expovariate(1 / ANSWER_DAYS) * day
        if at > now:
            return life
        life.move(at, "answer", "in_review", by_reviewer=False, note="Résultat joint.")
        at += rng.expovariate(1 / ASSESS_DAYS) * day
        if at > now:
            return life
    draw = rng.random()
    if draw < WITHDRAWN_LATE_SHARE:
        life.move(at, "withdraw", "withdrawn", by_reviewer=False)
        return life
    if draw >= WITHDRAWN_LATE_SHARE + REFUSED_SHARE:
        life.move(at, "accept", "accepted")
        life.decided_at = at
        return life
    life.move(at, "refuse", "refused", note=REFUSAL["fr"])
    life.decided_at, life.refused_once = at, True
    if rng.random() >= REVIEW_SHARE:
        return life
    at += min(rng.expovariate(1 / REVIEW_ASKED_DAYS), 180) * day
    if at > now:
        return life
    life.move(at, "ask_review", "in_review", by_reviewer=False, note="Nouveaux éléments au dossier.")
    life.is_review, life.assigned, life.queued_since = True, False, at  # back in the queue, unassigned
    at += rng.expovariate(1 / REVIEW_DECIDED_DAYS) * day
    if at > now:
        return life
    life.assigned = True
    if rng.random() < 0.5:
        life.move(at, "accept", "accepted")
    else:
        life.move(at, "refuse", "refused", note=REFUSAL["fr"])
    life.decided_at = at
    return life


def generate(
    *,
    requests: int,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    phase: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Adds `requests` requests (and their timeline entries), creating the users first if needed. On
    PostgreSQL, a large load drops the secondary indexes and foreign keys of the two tables and builds
    them again at the end, in the same transaction (a failed load leaves the database as it was)."""
    started = time.perf_counter()
    population, users_created = ensure_population(requests=requests, seed=seed)
    report = Report(users_created=users_created)
    writer = Writer()
    moment = (now or dt.datetime.now(dt.UTC)).timestamp()
    request_columns, timeline_columns = _columns()
    status_column = request_columns.index("status")
    next_id = (AuthorizationRequest.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    next_entry = (TimelineEntry.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    counters = dict(RequestCounter.objects.values_list("year", "last"))
    generator = _rows(population, writer, random.Random(seed), requests, moment, counters)
    tables = [AuthorizationRequest._meta.db_table, TimelineEntry._meta.db_table]
    rebuild = writer.postgres and requests >= max(REBUILD_FROM, (next_id - 1) // 2)
    done = 0
    with transaction.atomic():
        dropped: list[str] = []
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                if rebuild:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending check blocks ALTER TABLE
                    dropped = _drop_secondary(cursor, tables)
        pipe = CopyPipe() if writer.postgres else None
        try:
            while done < requests:
                size = min(BATCH, requests - done)
                batch_requests: list[list[str | None]] = []
                batch_entries: list[list[str | None]] = []
                for _ in range(size):
                    row, entries = next(generator)
                    row[0] = str(next_id)
                    for entry in entries:
                        entry[0], entry[1] = str(next_entry), str(next_id)
                        next_entry += 1
                        batch_entries.append(entry)
                    batch_requests.append(row)
                    status = row[status_column] or ""
                    report.statuses[status] = report.statuses.get(status, 0) + 1
                    next_id += 1
                if pipe is not None:
                    pipe.put(
                        [
                            (tables[0], request_columns, batch_requests),
                            (tables[1], timeline_columns, batch_entries),
                        ]
                    )
                else:
                    writer.write(tables[0], request_columns, batch_requests)
                    writer.write(tables[1], timeline_columns, batch_entries)
                done += size
                report.timeline_entries += len(batch_entries)
                if progress:
                    progress(done, requests)
        finally:
            if pipe is not None:
                pipe.close()
        if dropped:
            if phase:
                phase(f"Building {len(dropped)} indexes and foreign keys again")
            index_started = time.perf_counter()
            with connection.cursor() as cursor:
                for statement in dropped:
                    cursor.execute(statement)
            report.index_seconds = time.perf_counter() - index_started
        for year, last in counters.items():
            RequestCounter.objects.update_or_create(year=year, defaults={"last": last})
        rebuild_counts()  # the statuses were written directly: the queue counters follow the table
        if writer.postgres:
            _reset_sequences()
    if writer.postgres:
        if phase:
            phase("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            # The visibility map and statistics, so that the benchmark only reads (VACUUM cannot run in
            # a caller's transaction: then statistics only).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for table in tables:
                cursor.execute(f"{command} {table}")
    report.requests = done
    report.seconds = time.perf_counter() - started
    return report


def _drop_secondary(cursor: Any, tables: Sequence[str]) -> list[str]:
    """Drops the foreign keys, unique constraints and indexes of `tables` other than their primary keys,
    and returns the statements that create them again (foreign keys last, once the indexes exist)."""
    indexes: list[str] = []
    foreign_keys: list[str] = []
    drops: list[str] = []
    for table in tables:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
            [table],
        )
        for name, kind, definition in cursor.fetchall():
            drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            target = foreign_keys if kind == "f" else indexes
            target.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
            [table],
        )
        for name, definition in cursor.fetchall():
            drops.append(f'DROP INDEX "{name}"')
            indexes.append(definition)
    for statement in drops:
        cursor.execute(statement)
    return indexes + foreign_keys


def _reset_sequences() -> None:
    with connection.cursor() as cursor:
        for model in (AuthorizationRequest, TimelineEntry):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )


def _columns() -> tuple[list[str], list[str]]:
    request_columns = [f.column for f in AuthorizationRequest._meta.concrete_fields]
    timeline_columns = [
        "id",
        "auth_request_id",
        "at",
        "actor_id",
        "action",
        "from_status",
        "to_status",
        "note",
    ]
    return request_columns, timeline_columns


def _rows(
    population: Population,
    writer: Writer,
    rng: random.Random,
    total: int,
    now: float,
    counters: dict[int, int],
) -> Iterator[tuple[list[str | None], list[list[str | None]]]]:
    """Rows in sending order, each with its timeline entries (ids filled in by the caller)."""
    columns, _timeline = _columns()
    index = {name: i for i, name in enumerate(columns)}
    defaults: dict[str, str | None] = {
        "kind": "exception_drug",
        "request_type": "first",
        "drug_description": "",
        "din": "",
        "answers": "{}",
        "evaluation": "{}",
        "treatment_started": writer.boolean(False),
        "requested_duration_unit": "months",
        "dosage": "1 injection toutes les 2 semaines",
        "quantity": "",
        "urgency": "standard",
        "urgency_reason": "",
        "clinical_notes": "",
        "condition": "",
        "alternatives_unusable": "",
        "seriousness": "",
        "expected_benefit": "",
        "idempotency_key": "",
        "idempotency_fingerprint": "",
        "automated": writer.boolean(False),
        "authorized_quantity": "",
        "is_review": writer.boolean(False),
        "refusal_reasons": "[]",
        "row_version": "1",
    }
    template: list[str | None] = [defaults.get(name) for name in columns]
    prescribers, indications = population.prescriber_ids, population.indications
    n_prescribers, n_indications = len(prescribers), len(indications)
    reviewers = population.reviewer_ids
    span = YEARS * 365.25 * 86_400
    start = now - span
    growth = 0.05 * YEARS
    refusal = json.dumps([REFUSAL], ensure_ascii=False)
    persons_seen: dict[int, tuple[str, str, str, str]] = {}
    day = 86_400
    for i in range(total):
        # Dates grow ~5 % a year: invert the cumulative of a linearly rising density.
        u = (i + rng.random()) / total
        fraction = (-1 + (1 + growth * (2 + growth) * u) ** 0.5) / growth
        sent = start + fraction * span
        person = person_for(rng, population.persons)
        identity = persons_seen.get(person)
        if identity is None:
            nam, surname, first, birth = nam_for(person)
            identity = (nam, surname, first, birth.isoformat())
            if len(persons_seen) < 500_000:
                persons_seen[person] = identity
        # Mostly the person's own prescriber, sometimes any (skewed towards the busiest).
        if rng.random() < 0.8:
            prescriber = prescribers[(person * 40_503) % n_prescribers]
        else:
            prescriber = prescribers[int(n_prescribers * rng.random() ** 2)]
        indication, drug = indications[int(n_indications * rng.random() ** 2)]
        row = template.copy()
        draft = rng.random() < DRAFT_SHARE
        urgent = rng.random() < URGENT_SHARE
        reviewer = str(reviewers[person % len(reviewers)])
        entries: list[list[str | None]] = []
        if draft:
            status = "draft" if now - sent < 365 * day else "withdrawn"
            row[index["number"]] = None
            row[index["submitted_at"]] = None
            decided = sent
        else:
            year = dt.datetime.fromtimestamp(sent, dt.UTC).year
            counters[year] = counters.get(year, 0) + 1
            row[index["number"]] = f"{year}-{counters[year]:06d}"
            row[index["submitted_at"]] = writer.ts(sent)
            life = _life(rng, sent, urgent, now)
            status, decided = life.status, life.last_at
            for at, action, before, after, by_reviewer, note in life.events:
                actor = (
                    int(reviewer)
                    if by_reviewer
                    else (None if action == "accept_automatically" else prescriber)
                )
                entries.append(_entry(writer, at, actor, action, before, after, note))
            if life.decided_at is not None:
                row[index["decided_at"]] = writer.ts(life.decided_at)
            if life.assigned:
                row[index["assigned_to_id"]] = reviewer
            if life.is_review:
                row[index["is_review"]] = writer.boolean(True)
            if status == "accepted":
                row[index["automated"]] = writer.boolean(life.automated)
                begin = dt.datetime.fromtimestamp(life.decided_at or sent, dt.UTC).date()
                row[index["authorized_start"]] = begin.isoformat()
                row[index["authorized_end"]] = (begin + dt.timedelta(days=365)).isoformat()
                row[index["authorized_quantity"]] = "26 seringues"
            elif status == "refused" or life.refused_once:
                row[index["refusal_reasons"]] = refusal
            rank, _since = queue_fields(
                status=status, urgency="urgent" if urgent else "standard", queued_since=None
            )
            if rank is not None:
                row[index["queue_rank"]] = str(rank)
                row[index["queued_since"]] = writer.ts(life.queued_since)
        row[index["status"]] = status
        row[index["request_type"]] = "first" if rng.random() < 0.55 else "renewal"
        if urgent:
            row[index["urgency"]] = "urgent"
            row[index["urgency_reason"]] = "Hospitalisation récente."
        row[index["prescriber_id"]] = str(prescriber)
        row[index["entered_by_id"]] = str(prescriber)
        row[index["transmitted_by_id"]] = None if draft else str(prescriber)
        row[index["nam"]], row[index["insured_last_name"]], row[index["insured_first_name"]] = identity[:3]
        row[index["insured_birth_date"]] = identity[3]
        row[index["drug_id"]], row[index["indication_id"]] = str(drug), str(indication)
        row[index["requested_start"]] = dt.datetime.fromtimestamp(sent, dt.UTC).date().isoformat()
        row[index["requested_duration"]] = "12"
        row[index["submission_token"]] = writer.uuid(rng.getrandbits(128))
        created = writer.ts(sent - rng.uniform(60, 3 * day))
        row[index["created_at"]] = created
        row[index["updated_at"]] = writer.ts(decided) if status != "draft" else created
        yield row, entries


def _entry(
    writer: Writer,
    at: float,
    actor: int | None,
    action: str,
    from_status: str,
    to_status: str,
    note: str = "",
) -> list[str | None]:
    return [
        "",
        "",
        writer.ts(at),
        None if actor is None else str(actor),
        action,
        from_status,
        to_status,
        note,
    ]
