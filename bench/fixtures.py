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

from bench.fixtures_data import submission_body
from pme.accounts.middleware import AUTH_AT, HAS_SECOND_FACTOR, SEEN_AT
from pme.accounts.models import Role, User
from pme.accounts.services.security import has_second_factor
from pme.authorizations.access import prescribers_user_follows
from pme.consultation.selectors import panorama_queryset
from pme.consultation.views import PANORAMA_SESSION_KEY, STATUS_SESSION_KEY
from pme.core.nam import NAM

# The backend login() stores: the first configured one (ModelBackend is not configured, and a session naming
# it is anonymous: every scenario then measured the redirect to the login page).
BACKEND = settings.AUTHENTICATION_BACKENDS[0]


def session_cookie(user: User, **data: Any) -> str:
    store = SessionStore()
    now = time.time()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[AUTH_AT] = now
    store[SEEN_AT] = now
    # What the login view stores (pme/accounts/views/auth.py): whether the account has a second factor.
    # Without it the first request of each session asks the database and rewrites the session.
    store[HAS_SECOND_FACTOR] = user.is_regie_staff or has_second_factor(user)
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
            user, prescribers_user_follows(user), NAM.parse(nam)
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


def staff_cookie(user: User) -> str:
    """A Régie staff session past the second factor: a confirmed TOTP device and its id in the session,
    what django-otp stores after a verified code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    return session_cookie(user, otp_device_id=device.persistent_id)


def reviewer() -> User:
    found = User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk").first()
    if found is None:
        raise RuntimeError("no reviewer: run generate_data first")
    return found


def staff(role: str, username: str) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"role": role, "password": "!bench", "last_name": "Banc d'essai"}
    )
    return user


def reviewer_targets() -> list[str]:
    cookie = staff_cookie(reviewer())
    return [f"GET|/fr/review/|{cookie}|", f"GET|/fr/review/?page=2|{cookie}|"]


def minimal_targets() -> list[str]:
    return ["GET|/bench/minimal||"]


def logged_in_targets() -> list[str]:
    """The fixed page behind login, with a Régie reviewer's session (session, user, second-factor device,
    account gate): the reference of every ratio."""
    return [f"GET|/bench/logged-in|{staff_cookie(reviewer())}|"]


def api_minimal_targets(tokens: list[str]) -> list[str]:
    return [f"GET|/bench/api/minimal|Bearer {token}|" for token in tokens]


def api_tokens(count: int) -> list[str]:
    """Secrets of API tokens of `count` generated prescribers (valid one day)."""
    import datetime as dt

    from django.utils import timezone

    from pme.accounts.services.api_tokens import issue_api_token

    prescribers = User.objects.filter(role=Role.PRESCRIBER, username__startswith="gen-p").order_by("pk")
    return [
        issue_api_token(p, name="bench", expires_at=timezone.now() + dt.timedelta(days=1), actor=None)[1]
        for p in prescribers[:count]
    ]


def locust_plan(tokens: list[str], per_role: int = 30) -> dict[str, list[dict[str, Any]]]:
    """What each simulated person of bench/locustfile.py may open: per role, a list of (cookie or token,
    paths). The look-up sessions already hold their search, as in the wrk scenarios."""

    def cookie_of(line: str) -> str:
        return line.split("|", 3)[2]

    def path_of(line: str) -> str:
        return line.split("|", 3)[1]

    panorama, _sql = panorama_targets(per_role)
    status = status_targets(per_role)
    pages = request_page_targets(per_role)
    queue_cookie = staff_cookie(reviewer())
    open_ids = [
        pk
        for (pk,) in _rows(
            """SELECT id FROM authorizations_authorizationrequest
               WHERE status IN ('submitted', 'in_review') ORDER BY queue_rank, queued_since, id LIMIT %s""",
            [per_role],
        )
    ]
    admin = staff(Role.ACCESS_ADMIN, "bench-access-admin")
    officer = staff(Role.PRIVACY_OFFICER, "bench-privacy-officer")
    return {
        "collaborator": [{"cookie": cookie_of(x), "paths": ["/fr/", path_of(x)]} for x in panorama],
        "pharmacist": [{"cookie": cookie_of(x), "paths": ["/fr/", path_of(x)]} for x in status],
        "prescriber": [{"cookie": cookie_of(x), "paths": ["/fr/requests/", path_of(x)]} for x in pages],
        "reviewer": [
            {"cookie": queue_cookie, "paths": ["/fr/review/", "/fr/review/?page=2", f"/fr/review/{pk}/"]}
            for pk in open_ids
        ],
        "api_client": [{"token": token, "body": submission_body(i)} for i, token in enumerate(tokens)],
        "access_admin": [{"cookie": staff_cookie(admin), "paths": ["/fr/accounts/regie/access-requests/"]}],
        "privacy_officer": [{"cookie": staff_cookie(officer), "paths": ["/fr/audit/"]}],
    }


def submission_targets(tokens: list[str]) -> list[str]:
    """API submissions of an exceptional-patient request (no criteria to answer), one line per token;
    the Lua script gives each request its own Idempotency-Key."""
    lines = []
    for i, token in enumerate(tokens):
        body = submission_body(i)
        lines.append(f"POST|/api/v1/requests|Bearer {token}|{json.dumps(body)}")
    return lines
