"""Look-up throttling: at most PME_LOOKUP_LIMIT look-ups per user in any window of
PME_LOOKUP_WINDOW_SECONDS (default 60 in 10 minutes), for the panorama, the pharmacist's status look-up,
the API and FHIR together.

The counter is a rate (pme/core/throttle.py, a GCRA): half the limit at once, then one more every
WINDOW / (LIMIT / 2 + 1) seconds, which never lets more than LIMIT through in any window of WINDOW seconds.
Each look-up is checked and counted by one atomic SQL statement in the shared database, so the count is
exact across worker processes, even for simultaneous requests; a refused look-up is not counted, and the
answer says when the next one will be allowed.
"""

from __future__ import annotations

from django.conf import settings

from pme.core import throttle
from pme.core.throttle import Verdict

__all__ = ["Verdict", "count_look_up", "peek"]


def _key(user_pk: int) -> str:
    return f"lookup:user:{user_pk}"


def _rate() -> throttle.Rate:
    return throttle.Rate.per_window(settings.PME_LOOKUP_LIMIT, settings.PME_LOOKUP_WINDOW_SECONDS)


def peek(user_pk: int, *, at: float | None = None) -> Verdict:
    """Would a look-up be allowed now? Counts nothing (the search form checks before redirecting)."""
    return throttle.peek(_key(user_pk), _rate(), at=at)


def count_look_up(user_pk: int, *, at: float | None = None) -> Verdict:
    """Counts one look-up if the user is under the limit; otherwise refuses it, uncounted."""
    return throttle.take(_key(user_pk), _rate(), at=at)
