"""Every URL has an explicit access decision for every persona.

Add a row to MATRIX with each new URL; `test_every_url_is_in_the_matrix` fails until you do, so no
endpoint ships without someone deciding who may reach it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.personas import PERSONAS, client_for

OPEN = dict.fromkeys(PERSONAS, 200)
LOGGED_IN_REDIRECT = {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}  # login page sends users home


# (url name, args, method) -> {persona: expected status}
MATRIX: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = {
    ("healthz", (), "GET"): OPEN,
    ("portal:home", (), "GET"): OPEN,
    ("portal:help", (), "GET"): OPEN,
    ("portal:help_section", ("contact",), "GET"): OPEN,
    ("accounts:login", (), "GET"): LOGGED_IN_REDIRECT,
    ("accounts:logout", (), "POST"): OPEN,
}

# URL names that belong to third-party apps with their own access control, and why they are safe.
EXEMPT_PREFIXES = (
    "admin:",  # Django admin: staff accounts only (is_staff), its own login
)


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def test_every_url_is_in_the_matrix():
    covered = {name for name, _args, _method in MATRIX}
    missing = sorted(n for n in url_names() if n not in covered and not n.startswith(EXEMPT_PREFIXES))
    assert not missing, f"URLs without an access decision in MATRIX: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "persona"), [(route, p) for route in MATRIX for p in PERSONAS], ids=str)
def test_access(request, route, persona):
    name, args, method = route
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    with translation.override("fr"):
        url = reverse(name, args=args)
    response = getattr(client_for(user), method.lower())(url)
    assert response.status_code == MATRIX[route][persona], f"{method} {url} as {persona}"
