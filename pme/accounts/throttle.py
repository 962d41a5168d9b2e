"""Login throttling: failed attempts slow down further attempts, per account and per address.

Design goals:
- no lockout an attacker could use against a person: every delay ends by itself, at most 15 minutes;
- the counters live in Django's cache, the database cache in production, so every worker process sees
  the same counts;
- an unknown username is counted exactly like a known one, so the answers do not reveal which exist.

After FREE_FAILURES failures in a row (per account; more per address, since a clinic shares one
address), each new attempt must wait 15, 30, 60 ... seconds after the last failure, up to MAX_DELAY.
Attempts refused while waiting are not counted, so hammering does not lengthen the wait.
A successful login clears the account's counter. Counters are forgotten a day after the last failure.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache

ACCOUNT_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
MAX_DELAY = 15 * 60
FIRST_DELAY = 15
FORGET_AFTER = 24 * 60 * 60


@dataclass(frozen=True)
class Key:
    cache_key: str
    free_failures: int


def keys_for(username: str, address: str | None) -> list[Key]:
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode()).hexdigest()[:32]

    keys = [Key(f"login-fail:user:{digest(username.strip().lower())}", ACCOUNT_FREE_FAILURES)]
    if address:
        keys.append(Key(f"login-fail:addr:{digest(address)}", ADDRESS_FREE_FAILURES))
    return keys


def delay_after(failures: int, free_failures: int) -> int:
    """Seconds to wait after the last failure, once `failures` have happened in a row."""
    if failures < free_failures:
        return 0
    return int(min(FIRST_DELAY * 2 ** (failures - free_failures), MAX_DELAY))


def wait_seconds(keys: list[Key], *, at: float | None = None) -> int:
    """How long the caller must still wait before another attempt (0: go ahead)."""
    at = time.time() if at is None else at
    wait = 0.0
    for key in keys:
        state = cache.get(key.cache_key)
        if not state:
            continue
        failures, last = state
        wait = max(wait, last + delay_after(failures, key.free_failures) - at)
    return max(0, int(wait + 0.999))


def register_failure(keys: list[Key], *, at: float | None = None) -> None:
    at = time.time() if at is None else at
    for key in keys:
        failures, _last = cache.get(key.cache_key) or (0, at)
        cache.set(key.cache_key, (failures + 1, at), FORGET_AFTER)


def register_success(keys: list[Key]) -> None:
    """Clears the account's counter (the first key); the address keeps its own history."""
    cache.delete(keys[0].cache_key)
