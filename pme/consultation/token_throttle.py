"""Rate limits for systems that call by token: pharmacy software checking claims, clinic records asking
for prescribing advice. Counted per API token (a pharmacy's software has its own token), so one busy
system never slows another, even under the same pharmacist.

A fixed window per token: at most `limit` calls in each window of `window` seconds, so a burst straddling
a window boundary can pass up to twice the limit, never more. The people's look-ups keep their sliding
window (pme/consultation/throttle.py); systems need a cheaper counter because a check comes with every
exception-drug claim. The counter lives in Django's cache (the database cache in production, shared by
every worker): `incr` counts, `add` creates it at the window's first call. Both are atomic on cache
servers (Redis, Memcached); on the database cache `incr` is a read then a write, so two simultaneous
calls may be counted once, which lets a burst pass a few calls over the limit, never unboundedly.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from pme.audit.channel import current_channel
from pme.consultation.throttle import Verdict


def caller_bucket(user_pk: int) -> str:
    """The API token of the current call (pme.audit.channel names it); the user outside the API."""
    token = current_channel().get("api_token")
    return f"token:{token}" if token is not None else f"user:{user_pk}"


def count_call(service: str, bucket: str, *, limit: int, window: int, at: float | None = None) -> Verdict:
    """Counts one call of `service` for `bucket`; refuses it once the window already holds `limit`."""
    at = time.time() if at is None else at
    index = int(at // window)
    key = f"rate:{service}:{bucket}:{index}"
    try:
        count = cache.incr(key)  # the usual case: the window's counter exists
    except ValueError:
        count = 1 if cache.add(key, 1, timeout=window + 1) else cache.incr(key)  # another call made it
    if count <= limit:
        return Verdict(True, 0)
    return Verdict(False, max(1, int((index + 1) * window - at + 0.999)))
