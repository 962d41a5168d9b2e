"""Errors of the JSON API: `{"code": "...", "message": "...", "errors": [...]}`.

`code` is stable and meant for programs; `message` is a sentence for people, in the language of the
call's Accept-Language header (French by default); `errors` lists the fields in error when there are.
The FHIR interface turns the same ApiError into an OperationOutcome (pme/api/fhir/views.py).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_JSON_DEPTH = 64  # far more than any FHIR Bundle or API body needs; parsers and validators recurse

MESSAGES: dict[str, Any] = {
    "unauthorized": gettext_lazy(
        "Send a valid API token in the header Authorization: Bearer followed by the token."
    ),
    "bad_body": gettext_lazy("The body is not valid JSON."),
    "too_deep": gettext_lazy("The JSON body is nested too deeply (at most %(depth)s levels)."),
    "too_large": gettext_lazy("The body is too large: at most %(megabytes)s MB."),
    "audit_unavailable": gettext_lazy(
        "The service cannot record this access in its audit trail right now, so it does not answer. "
        "Nothing was changed; try again in a few minutes."
    ),
    "method_not_allowed": gettext_lazy("This method is not allowed here. Allowed: %(allowed)s."),
    "forbidden": gettext_lazy("Your role does not give access to this operation."),
    "not_found": gettext_lazy("Nothing here, or nothing you may see."),
    "invalid": gettext_lazy("The request is not valid: see the errors listed."),
    "throttled": gettext_lazy("Too many requests. Try again in %(seconds)s seconds."),
    "idempotency_key_missing": gettext_lazy(
        "The header Idempotency-Key is required: a string you choose, unique for each new request."
    ),
    "idempotency_mismatch": gettext_lazy(
        "This Idempotency-Key was already used with a different body. Use a new key for a new request."
    ),
    "precondition_failed": gettext_lazy(
        "The request changed since you read it. Read it again and use its new ETag in If-Match."
    ),
    "not_allowed_now": gettext_lazy("This action is not possible in the request's current status."),
    "incomplete": gettext_lazy("The request cannot be sent yet: see what is missing."),
    "bad_cursor": gettext_lazy("This cursor is not valid. Start again from the first page."),
    "not_assigned": gettext_lazy("This request is assigned to another reviewer, or to none."),
    "taken": gettext_lazy("Another reviewer already took this request."),
    "changed": gettext_lazy("The request changed since you read it. Read it again."),
    "not_open": gettext_lazy("This request is no longer waiting for a decision."),
    "own_refusal": gettext_lazy("A review goes to a reviewer other than the one who refused."),
    "server_error": gettext_lazy("Something went wrong on our side. The error is recorded; try again later."),
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        *,
        params: dict[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params or {}
        self.errors = errors
        self.headers = headers or {}

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code, MESSAGES["invalid"])
        return str(template) % self.params if self.params else str(template)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    @classmethod
    def unauthorized(cls) -> ApiError:
        return cls(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="pme"'})

    @classmethod
    def throttled(cls, seconds: int) -> ApiError:
        return cls(429, "throttled", params={"seconds": seconds}, headers={"Retry-After": str(seconds)})

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, "not_found")

    @classmethod
    def forbidden(cls) -> ApiError:
        return cls(403, "forbidden")

    @classmethod
    def invalid(cls, field: str, message: str) -> ApiError:
        return cls(422, "invalid", errors=[{"field": field, "message": message}])

    @classmethod
    def too_large(cls) -> ApiError:
        megabytes = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1)
        return cls(413, "too_large", params={"megabytes": megabytes})

    @classmethod
    def audit_unavailable(cls) -> ApiError:
        return cls(503, "audit_unavailable", headers={"Retry-After": "60"})


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True when `value` nests lists and objects more than `limit` deep (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json(body: bytes) -> Any:
    """The JSON of a request body, or ApiError 400: not JSON, or nested deeper than MAX_JSON_DEPTH (a
    body nested thousands deep would exhaust the parser's or a validator's recursion)."""
    try:
        value = json.loads(body or b"null")
    except RecursionError:
        raise ApiError(400, "too_deep", params={"depth": MAX_JSON_DEPTH}) from None
    except ValueError:
        raise ApiError(400, "bad_body") from None
    if json_depth_exceeds(value, MAX_JSON_DEPTH):
        raise ApiError(400, "too_deep", params={"depth": MAX_JSON_DEPTH})
    return value


def validation_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors as {"field": "body.nam", "message": "..."} (message in English from pydantic,
    prefixed by a translated sentence naming the field)."""
    errors = []
    for error in raw:
        parts = [str(part) for part in error.get("loc", ())]
        if parts[:2] == ["body", "body"]:
            parts = parts[1:]
        location = ".".join(parts)
        errors.append(
            {
                "field": location,
                "message": _("%(field)s: %(problem)s") % {"field": location, "problem": error.get("msg", "")},
            }
        )
    return errors
