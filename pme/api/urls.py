"""/api/v1/: the JSON API. Every view runs inside the audit channel "api", so each event it records says
so (and names the token, pme/api/auth.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver

from pme.api.v1 import api
from pme.audit.channel import channel


def audited_as_api(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with channel("api"):
            return view(*args, **kwargs)

    return wrapper


def tagged(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = audited_as_api(pattern.callback)
    return patterns


app_name = "api"
_patterns, _app, _namespace = api.urls
urlpatterns = tagged(list(_patterns))
