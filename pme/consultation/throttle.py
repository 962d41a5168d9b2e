"""Look-up throttling: at most PME_LOOKUP_LIMIT look-ups per user in any sliding window of
PME_LOOKUP_WINDOW_SECONDS (default 60 in 10 minutes), for the panorama and the pharmacist's status
look-up together.

As for login throttling (pme/accounts/throttle.py), the state lives in Django's cache, the database
cache in production, so every worker process counts against the same list. The list holds the times of
the user's look-ups in the window; a look-up is refused, without being counted, while the list is full,
and the answer says when the oldest one leaves the window.

The read-then-write is not atomic: two look-ups by the same user at the same instant in two processes
may both be counted as one, so a burst of simultaneous requests can pass a few over the limit. It can
never pass unboundedly: each request that passes adds itself to the list before the page is built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds; 0 when allowed


def _key(user_pk: int) -> str:
    return f"lookup:user:{user_pk}"


def _recent(user_pk: int, at: float) -> list[float]:
    window = settings.PME_LOOKUP_WINDOW_SECONDS
    return [t for t in cache.get(_key(user_pk)) or [] if t > at - window]


def _refusal(stamps: list[float], at: float) -> Verdict | None:
    if len(stamps) < settings.PME_LOOKUP_LIMIT:
        return None
    oldest = stamps[-settings.PME_LOOKUP_LIMIT]
    return Verdict(False, max(1, int(oldest + settings.PME_LOOKUP_WINDOW_SECONDS - at + 0.999)))


def peek(user_pk: int, *, at: float | None = None) -> Verdict:
    """Would a look-up be allowed now? Counts nothing (the search form checks before redirecting)."""
    at = time.time() if at is None else at
    return _refusal(_recent(user_pk, at), at) or Verdict(True, 0)


def count_look_up(user_pk: int, *, at: float | None = None) -> Verdict:
    """Counts one look-up if the user is under the limit; otherwise refuses it, uncounted."""
    at = time.time() if at is None else at
    stamps = _recent(user_pk, at)
    refusal = _refusal(stamps, at)
    if refusal is not None:
        return refusal
    stamps.append(at)
    cache.set(_key(user_pk), stamps[-settings.PME_LOOKUP_LIMIT :], settings.PME_LOOKUP_WINDOW_SECONDS)
    return Verdict(True, 0)
