"""Request-wide security middleware that needs no app: the client's address, and no caching of
authenticated answers."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in _networks(trusted))


def client_address(remote_addr: str, forwarded_for: str, trusted: tuple[str, ...]) -> str:
    """The client's address: REMOTE_ADDR, unless it is a trusted proxy, in which case the right-most
    address of X-Forwarded-For that is not itself a trusted proxy (each proxy appends the address it
    received the request from, so anything to the left of that may have been written by the client)."""
    if not trusted or not is_trusted(remote_addr, trusted):
        return remote_addr
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        parsed = _parse(hop)
        if parsed is None:
            return remote_addr  # a malformed header: keep the proxy's own address
        if not is_trusted(hop, trusted):
            return str(parsed)
    return remote_addr


class TrustedProxyMiddleware:
    """Sets REMOTE_ADDR to the real client's address when the request comes through a trusted proxy
    (PME_TRUSTED_PROXIES), and removes the X-Forwarded-* headers of any other request, so that neither
    the throttles, the audit trail nor SECURE_PROXY_SSL_HEADER can be fooled by a header a client wrote.
    First in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.trusted = tuple(settings.PME_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request.META
        remote = str(meta.get("REMOTE_ADDR", ""))
        if self.trusted and is_trusted(remote, self.trusted):
            meta["REMOTE_ADDR"] = client_address(
                remote, str(meta.get("HTTP_X_FORWARDED_FOR", "")), self.trusted
            )
        else:
            for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"):
                meta.pop(header, None)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to an authenticated caller (a session or an API token):
    pages, JSON, FHIR and files carry personal information that no browser or proxy cache may keep."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if "HTTP_AUTHORIZATION" in request.META or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
            if "Expires" in response:
                del response["Expires"]
        return response
