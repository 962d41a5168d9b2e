"""Rate limits for systems that call by token: pharmacy software checking claims, clinic records asking
for prescribing advice. Counted per API token (a pharmacy's software has its own token), so one busy
system never slows another, even under the same pharmacist.

The counter is the shared rate of pme/core/throttle.py (a GCRA in one atomic SQL statement, exact across
worker processes): a system may send `limit` calls at once, then one every `window / limit` seconds, so
a steady pharmacy never waits and a runaway one is held to `limit` per window on average (at most twice
that in a window that follows a quiet one). A refused call is not counted and the answer says when to
retry.
"""

from __future__ import annotations

from pme.audit.channel import current_channel
from pme.core import throttle
from pme.core.throttle import Verdict


def caller_bucket(user_pk: int) -> str:
    """The API token of the current call (pme.audit.channel names it); the user outside the API."""
    token = current_channel().get("api_token")
    return f"token:{token}" if token is not None else f"user:{user_pk}"


def count_call(service: str, bucket: str, *, limit: int, window: int, at: float | None = None) -> Verdict:
    """Counts one call of `service` for `bucket` if the rate allows it; otherwise refuses it, uncounted."""
    count = count_statement(service, bucket, limit=limit, window=window, at=at)
    return count.verdict(count.statement.run())


def count_statement(
    service: str, bucket: str, *, limit: int, window: int, at: float | None = None
) -> throttle.Counted:
    """What `count_call` sends, not sent yet: its statement, and how to read the answer."""
    rate = throttle.Rate(burst=limit, interval=window / limit)
    return throttle.counted(f"rate:{service}:{bucket}", rate, at=at)
