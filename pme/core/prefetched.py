"""Related lists kept on an instance, as `prefetch_related` keeps them: what the current change just wrote
(a submission: its timeline, version 1, its treatments) or what a cache already holds (an indication's
criteria), so that what is built from the instance right after does not read it back. Every writer of
a kept list adds what it writes (`add_known`: the authorizations app's services and lifecycle), so a kept
list stays what the database holds for the changes made through this instance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


def remember(instance: models.Model, name: str, items: Sequence[Any]) -> None:
    """Sets the related list `name` of `instance` as if prefetched (a queryset with its results)."""
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        cache = instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    cache.pop(name, None)
    found = getattr(instance, name).get_queryset()
    found._result_cache = list(items)
    found._prefetch_done = True
    cache[name] = found


def known(instance: models.Model, name: str) -> list[Any] | None:
    """The related list `name` if the instance keeps it (prefetched or remembered), else None."""
    cached = getattr(instance, "_prefetched_objects_cache", {}).get(name)
    return None if cached is None else list(cached)


def add_known(instance: models.Model, name: str, *items: Any) -> None:
    """Appends to the related list `name` if the instance keeps it (nothing to do otherwise)."""
    current = known(instance, name)
    if current is not None:
        remember(instance, name, [*current, *items])
