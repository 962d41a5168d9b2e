"""The coverage-check scenario of `make bench` (issue 17): pharmacy software asking, at each exception-drug
claim, `POST /api/v1/coverage/check` with a pharmacist's API token. The most frequent call the service
gets, so it is compared with the fixed JSON answer behind the same token authentication (the API ceiling,
`/bench/api/minimal`, when bench/run.py has it; the anonymous fixed page otherwise).

Targets: 200 (NAM, DIN) pairs of requests sent in the last 300 days, so most checks find an authorization
or a pending request and read the person's rows, as real claims would; 20 pharmacists' tokens, one per
line in turn, so the per-token counter is spread as across pharmacies (bench/run.py raises
PME_COVERAGE_LIMIT on its server).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.utils import timezone

from pme.accounts.models import Role, User
from pme.accounts.services.api_tokens import issue_api_token

PATH = "/api/v1/coverage/check"


def pharmacist_tokens(count: int = 20) -> list[str]:
    """Secrets of API tokens of `count` generated pharmacists (valid one day)."""
    pharmacists = User.objects.filter(role=Role.PHARMACIST, username__startswith="gen-f").order_by("pk")[
        :count
    ]
    expires = timezone.now() + dt.timedelta(days=1)
    tokens = [
        issue_api_token(p, name="bench coverage", expires_at=expires, actor=None)[1] for p in pharmacists
    ]
    if not tokens:
        raise RuntimeError("no generated pharmacist: run generate_data first")
    return tokens


def coverage_targets(tokens: list[str], count: int = 200) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT ON (r.nam) r.nam, d.din
               FROM authorizations_authorizationrequest r
               JOIN catalogue_din d ON d.drug_id = r.drug_id
               WHERE r.submitted_at >= now() - interval '300 days'
               ORDER BY r.nam, d.din LIMIT %s""",
            [count],
        )
        pairs = list(cursor.fetchall())
    if not pairs:
        raise RuntimeError("no request with a catalogue DIN: run generate_data first")
    lines = []
    for i, (nam, din) in enumerate(pairs):
        body: dict[str, Any] = {"nam": nam, "din": din, "quantity": 1}
        lines.append(f"POST|{PATH}|Bearer {tokens[i % len(tokens)]}|{json.dumps(body)}")
    return lines


def ratio(coverage: dict[str, Any], ceiling: dict[str, Any] | None) -> float | None:
    """Coverage throughput over the ceiling's (target: ≥ 0.60 of the token-authenticated fixed answer)."""
    return round(coverage["rps"] / ceiling["rps"], 3) if ceiling and ceiling.get("rps") else None
