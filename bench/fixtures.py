"""What the load scenarios send: sessions made directly in the session store (no login round trips, no
password hashing, no login throttle), and the list of requests of each scenario for bench/targets.lua.

A session is what `django.contrib.auth.login` would store (user id, backend, password hash) plus the
clock of `AccountGateMiddleware`. Régie staff need a second factor: the reviewer gets a confirmed TOTP
device and the session carries `otp_device_id`, exactly what django-otp's `login()` stores after a code
is verified. Must run with the server's SECRET_KEY (the auth hash is keyed with it).
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from pme.consultation.access import panorama_prescribers

from bench.fixtures_data import submission_body
from pme.accounts.middleware import AUTH_AT, SEEN_AT
from pme.accounts.models import Role, User
from pme.consultation.selectors import panorama_queryset
from pme.consultation.views import PANORAMA_SESSION_KEY, STATUS_SESSION_KEY
from pme.core.nam import NAM

BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_cookie(user: User, **data: Any) -> str:
    store = SessionStore()
    now = time.time()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[AUTH_AT] = now
    store[SEEN_AT] = now
    for key, value in data.items():
        store[key] = value
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def panorama_pairs(count: int) -> list[tuple[int, str]]:
    """(collaborator pk, NAM) with at least one request of one of the collaborator's prescribers sent in
    the last 80 days: the look-ups a clinic really makes."""
    return [
        (c, n)
        for c, n in _rows(
            """SELECT DISTINCT ON (r.nam) d.collaborator_id, r.nam
               FROM authorizations_authorizationrequest r
               JOIN accounts_delegation d ON d.prescriber_id = r.prescriber_id
               JOIN accounts_user u ON u.id = d.collaborator_id AND u.username LIKE 'gen-c%%'
               WHERE r.submitted_at >= now() - interval '80 days' AND d.accepted_at IS NOT NULL
               ORDER BY r.nam, d.collaborator_id LIMIT %s""",
            [count],
        )
    ]


def panorama_targets(count: int = 200) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """The scenario's requests, and the SQL of the same panoramas for the bare-SQL baseline."""
    lines, statements = [], []
    users = {u.pk: u for u in User.objects.filter(pk__in=[c for c, _n in panorama_pairs(count)])}
    for collaborator_pk, nam in panorama_pairs(count):
        user = users[collaborator_pk]
        cookie = session_cookie(user, **{PANORAMA_SESSION_KEY: {"nam": nam, "drug": ""}})
        lines.append(f"GET|/fr/consultation/results/|{cookie}|")
        sql, params = panorama_queryset(
            user, panorama_prescribers(user), NAM.parse(nam)
        ).query.sql_with_params()
        statements.append((sql, list(params)))
    return lines, statements


def status_targets(count: int = 200) -> list[str]:
    pharmacists = list(User.objects.filter(role=Role.PHARMACIST, username__startswith="gen-f")[:50])
    nams = [
        n
        for (n,) in _rows(
            """SELECT DISTINCT nam FROM authorizations_authorizationrequest
               WHERE submitted_at >= now() - interval '300 days' LIMIT %s""",
            [count],
        )
    ]
    lines = []
    for i, nam in enumerate(nams):
        cookie = session_cookie(
            pharmacists[i % len(pharmacists)], **{STATUS_SESSION_KEY: {"nam": nam, "drug": ""}}
        )
        lines.append(f"GET|/fr/consultation/status/results/|{cookie}|")
    return lines


def request_page_targets(count: int = 200) -> list[str]:
    """A prescriber opening one of their requests (any age, any status)."""
    rows = _rows(
        """SELECT id, prescriber_id FROM authorizations_authorizationrequest
           WHERE id %% 997 = 1 AND submitted_at IS NOT NULL LIMIT %s""",
        [count],
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[p for _i, p in rows])}
    cookies = {pk: session_cookie(user) for pk, user in users.items()}
    return [f"GET|/fr/requests/{pk}/|{cookies[prescriber]}|" for pk, prescriber in rows]


def reviewer_targets() -> list[str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reviewer = User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk").first()
    if reviewer is None:
        raise RuntimeError("no reviewer: run generate_data first")
    device, _created = TOTPDevice.objects.get_or_create(
        user=reviewer, name="bench", defaults={"confirmed": True}
    )
    cookie = session_cookie(reviewer, otp_device_id=device.persistent_id)
    return [f"GET|/fr/review/|{cookie}|", f"GET|/fr/review/?page=2|{cookie}|"]


def minimal_targets() -> list[str]:
    return ["GET|/bench/minimal||"]


def submission_targets(tokens: list[str]) -> list[str]:
    """API submissions of an exceptional-patient request (no criteria to answer), one line per token;
    the Lua script gives each request its own Idempotency-Key."""
    lines = []
    for i, token in enumerate(tokens):
        body = submission_body(i)
        lines.append(f"POST|/api/v1/requests|Bearer {token}|{json.dumps(body)}")
    return lines
