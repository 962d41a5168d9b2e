"""Throttling of every way in: passwords, second-factor codes, password-reset requests and API tokens.

Design goals (OWASP ASVS 6.3, NIST SP 800-63B 5.2.2):
- stop online guessing without letting an attacker lock out the person the account belongs to;
- never lock anyone out for good: every wait ends by itself;
- count exactly across worker processes: each counter changes in one atomic SQL statement
  (pme/core/throttle.py), never through a read-then-write;
- an unknown username is counted exactly like a known one, so the answers reveal nothing.

Passwords have two counters:
- per (account, address): 5 failures in a row, then 15 s, 30 s ... up to 15 minutes. It refuses every
  attempt from that address for that account, the right password included: that is where an attacker
  sits. The person, anywhere else, is not affected.
- per account: 20 failures in a row from anywhere (a spread-out attack), then the same waits; it does
  not apply to a browser that has already logged in to this account (a signed *device cookie*, OWASP's
  "device cookies" defence), so an attacker cannot lock the person out of their own computer.
There is no per-address limit on passwords: behind a clinic's or the Régie's network every user shares an
address, and one person's typos (or one attacker) must not refuse everybody's right password.

API tokens are 256-bit secrets and cannot be guessed; failures are counted per address only to slow down
a broken client or a scan, and a valid token is never refused by that counter. A valid token then has its
own rate limit (requests per minute, settings PME_API_RATE_PER_MINUTE and PME_API_BURST).

The client address is REMOTE_ADDR, which pme.core.middleware.TrustedProxyMiddleware sets from
X-Forwarded-For only when the request comes from a configured trusted proxy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase

from pme.core import throttle
from pme.core.throttle import Backoff, Rate, Verdict

PAIR = Backoff(free=5)
ACCOUNT = Backoff(free=20)
TOKEN_ADDRESS = Backoff(free=20)
# Second factor: 5 wrong codes in a row lock it for one minute, doubling up to one hour.
SECOND_FACTOR = Backoff(free=5, first_delay=60, max_delay=60 * 60)
# Password-reset requests: per username typed (known or not) and per address.
RESET_ACCOUNT = Rate.per_window(3, 60 * 60)
RESET_ADDRESS = Rate.per_window(20, 60 * 60)

DEVICE_COOKIE_SALT = "pme.accounts.device"
DEVICE_MAX_AGE = 365 * 24 * 60 * 60
DEVICE_MAX_ACCOUNTS = 5


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def normalized(username: str) -> str:
    return username.strip().lower()[:150]


def address_of(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@dataclass(frozen=True)
class LoginKeys:
    pair: str
    account: str | None  # None: this browser is known to the account, the account counter is skipped

    def all(self) -> list[str]:
        return [self.pair] + ([self.account] if self.account else [])


def login_keys(request: HttpRequest, username: str) -> LoginKeys:
    name = _digest(normalized(username))
    pair = f"login:pair:{_digest(normalized(username) + '|' + address_of(request))}"
    known = name in known_devices(request)
    return LoginKeys(pair=pair, account=None if known else f"login:account:{name}")


def login_wait(keys: LoginKeys) -> int:
    return max(throttle.wait_seconds(key) for key in keys.all())


def admit_login(keys: LoginKeys) -> int:
    """Counts the attempt in advance on each counter (cleared on success); returns the wait when one
    counter refuses it. A refusal by the second counter leaves the first one counted: a rare race
    that can only make the throttle stricter."""
    for key, policy in ((keys.pair, PAIR), (keys.account, ACCOUNT)):
        if key is None:
            continue
        wait = throttle.admit(key, policy)
        if wait:
            return wait
    return 0


def login_succeeded(keys: LoginKeys, username: str) -> None:
    throttle.clear(keys.pair, f"login:account:{_digest(normalized(username))}")


# Device cookies -----------------------------------------------------------------------------------


def device_cookie_name() -> str:
    return str(settings.PME_DEVICE_COOKIE_NAME)


def known_devices(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(device_cookie_name(), "")
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return [str(v) for v in value][:DEVICE_MAX_ACCOUNTS] if isinstance(value, list) else []


def remember_device(request: HttpRequest, response: HttpResponseBase, username: str) -> None:
    """After a successful login: this browser is known to the account from now on."""
    name = _digest(normalized(username))
    names = [name] + [n for n in known_devices(request) if n != name]
    response.set_cookie(
        device_cookie_name(),
        signing.dumps(names[:DEVICE_MAX_ACCOUNTS], salt=DEVICE_COOKIE_SALT),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# Second factor ------------------------------------------------------------------------------------


def second_factor_key(user_pk: int) -> str:
    return f"mfa:user:{user_pk}"


# Password reset -----------------------------------------------------------------------------------


def reset_allowed(request: HttpRequest, username: str) -> Verdict:
    """Takes one reset request from both counters; the answer names the longer wait when refused."""
    account = throttle.take(f"reset:account:{_digest(normalized(username))}", RESET_ACCOUNT)
    if not account.allowed:
        return account
    return throttle.take(f"reset:addr:{_digest(address_of(request))}", RESET_ADDRESS)


# API tokens ---------------------------------------------------------------------------------------


def token_failure_key(request: HttpRequest) -> str:
    return f"api-token-fail:addr:{_digest(address_of(request))}"


def api_rate() -> Rate:
    return Rate(burst=settings.PME_API_BURST, interval=60 / settings.PME_API_RATE_PER_MINUTE)


def take_api_call(token_pk: int) -> Verdict:
    return throttle.take(f"api:token:{token_pk}", api_rate())
