"""Helpers shared by the JSON API and FHIR views: ETags, cursors, body fingerprints, and the one
conversion of a request into its public JSON shape."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from pme.accounts.models import User
from pme.api import content_schema
from pme.api.errors import ApiError
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.reads import RequestFile

_ETAG = re.compile(r'"(?P<id>[0-9]{1,18})-(?P<version>[0-9]{1,9})"')


def etag(auth_request: AuthorizationRequest) -> str:
    return f'"{auth_request.pk}-{auth_request.row_version}"'


def if_match_version(request: HttpRequest, request_id: int) -> int | None:
    """The row version of request `request_id` that the caller's If-Match names (its ETag
    `"<id>-<version>"`); None without If-Match (or with *). A tag of another request, or garbage, is a
    412 at once; a stale version is a 412 from the service, which compares it under the row lock."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    for tag in (t.strip().removeprefix("W/") for t in header.split(",")):
        match = _ETAG.fullmatch(tag)
        if match and int(match["id"]) == request_id:
            return int(match["version"])
    raise ApiError(412, "precondition_failed")


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _colon, number = text.partition(":")
        value = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError(400, "bad_cursor") from None
    if prefix != "v1" or value < 0 or value > 2**62:
        raise ApiError(400, "bad_cursor")
    return value


def fingerprint(body: bytes) -> str:
    """Digest of the JSON body as parsed and re-serialized with sorted keys, so that spacing and key
    order do not make two identical requests look different."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = body.decode(errors="replace")
    return hashlib.sha256(canonical.encode()).hexdigest()


def professional_number(user: User) -> str:
    profile = getattr(user, "prescriber_profile", None)
    return profile.professional_number if profile is not None else ""


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def refusal_reasons(auth_request: AuthorizationRequest) -> list[dict[str, str]]:
    key = "en" if _english() else "fr"
    if auth_request.status != Status.REFUSED:
        return []
    return [
        {"code": str(r.get("code", "")), "text": str(r.get(key) or r.get("fr") or r.get("code") or "")}
        for r in auth_request.refusal_reasons or []
    ]


def request_summary(auth_request: AuthorizationRequest) -> dict[str, Any]:
    return {
        "id": auth_request.pk,
        "number": auth_request.number,
        "status": auth_request.status,
        "status_label": str(Status(auth_request.status).label),
        "automated": auth_request.automated,
        "kind": auth_request.kind,
        "prescriber": professional_number(auth_request.prescriber),
        "drug": auth_request.drug_label,
        "submitted_at": auth_request.submitted_at,
        "authorized_end": auth_request.authorized_end,
        "row_version": auth_request.row_version,
    }


def request_detail(file: RequestFile) -> dict[str, Any]:
    """A request as the API shows it: the plain content fields come from their one declaration."""
    auth_request = file.auth_request
    return {
        **request_summary(auth_request),
        **content_schema.output_values(auth_request),
        "nam": auth_request.nam,
        "drug_id": auth_request.drug_id,
        "indication_id": auth_request.indication_id,
        "answers": auth_request.answers,
        "previous_treatments": [
            {"drug_name": t.drug_name, "outcome": t.outcome, "duration": t.duration, "details": t.details}
            for t in file.treatments
        ],
        "created_at": auth_request.created_at,
        "decided_at": auth_request.decided_at,
        "authorized_start": auth_request.authorized_start,
        "authorized_quantity": auth_request.authorized_quantity,
        "refusal_reasons": refusal_reasons(auth_request),
        "question": file.latest_question,
    }
