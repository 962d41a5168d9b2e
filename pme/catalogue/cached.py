"""Catalogue data read on every request page and submission, kept in each process's memory.

An indication's criteria change only when the list is updated (a new indication version, a new row) or
when an administrator edits a criterion; both change the indication's `updated_at` (a criterion saved or
deleted touches its indication: `touch_indication`, connected in apps.py). The cache is keyed by
`(pk, updated_at)`, which comes with the indication row the caller already read: an edit is seen at once
by every process, with no query to ask whether anything changed.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from django.utils import timezone

from pme.catalogue.models import Criterion, Indication
from pme.core.prefetched import remember

MAX_INDICATIONS = 1024
_criteria: OrderedDict[tuple[int, Any], list[Criterion]] = OrderedDict()
_lock = Lock()


def criteria_of(indication: Indication) -> list[Criterion]:
    """The indication's criteria in their order, from the process's memory when this version is known,
    and set on the instance as if prefetched, so that `indication.criteria.all()` costs no query after."""
    prefetched = getattr(indication, "_prefetched_objects_cache", {}).get("criteria")
    if prefetched is not None:
        return list(prefetched)
    key = (indication.pk, indication.updated_at)
    with _lock:
        found = _criteria.get(key)
        if found is not None:
            _criteria.move_to_end(key)
    if found is None:
        found = list(Criterion.objects.filter(indication_id=indication.pk).order_by("position", "pk"))
        with _lock:
            _criteria[key] = found
            while len(_criteria) > MAX_INDICATIONS:
                _criteria.popitem(last=False)
    remember(indication, "criteria", found)
    return list(found)


def forget_all() -> None:
    with _lock:
        _criteria.clear()


def touch_indication(sender: Any, instance: Criterion, **kwargs: Any) -> None:
    """A criterion saved or deleted: its indication's `updated_at` moves, so every process's cached
    criteria of the old stamp are no longer used."""
    if instance.indication_id is not None:
        Indication.objects.filter(pk=instance.indication_id).update(updated_at=timezone.now())
