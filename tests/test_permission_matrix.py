"""Every URL has an explicit access decision for every persona.

Add a row to MATRIX with each new URL; `test_every_url_is_in_the_matrix` fails until you do, so no
endpoint ships without someone deciding who may reach it.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.personas import PERSONAS, bearer_client_for, client_for

OPEN = dict.fromkeys(PERSONAS, 200)
LOGGED_IN_REDIRECT = {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}  # login page sends users home


Route = tuple[str, tuple[str, ...], str]  # (url name, args, method)

# The shell's routes. Each app adds its own rows in `pme/<app>/tests/access_matrix.py` as a
# module-level `ROWS: dict[Route, dict[persona, status]]`; an arg may name a fixture with a leading "@"
# (e.g. "@auth_request"), replaced by that fixture's primary key, so rows can point at real objects.
SHELL_ROWS: dict[Route, dict[str, int]] = {
    ("healthz", (), "GET"): OPEN,
    ("portal:home", (), "GET"): OPEN,
    ("portal:help", (), "GET"): OPEN,
    ("portal:help_section", ("contact",), "GET"): OPEN,
    ("accounts:login", (), "GET"): LOGGED_IN_REDIRECT,
    ("accounts:logout", (), "POST"): OPEN,
}


def _collect() -> dict[Route, dict[str, int]]:
    rows = dict(SHELL_ROWS)
    for config in apps.get_app_configs():
        if not config.name.startswith("pme."):
            continue
        try:
            module = import_module(f"{config.name}.tests.access_matrix")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.tests.access_matrix", f"{config.name}.tests"):
                raise
            continue
        rows.update(module.ROWS)
    return rows


MATRIX = _collect()

# URL names that belong to third-party apps with their own access control, and why they are safe.
# None: the Django admin is off by default (PME_ADMIN_ENABLED), so its URLs do not exist here; when it
# is on, tests/test_admin_door.py decides every admin URL for every persona.
EXEMPT_PREFIXES: tuple[str, ...] = ()


API_NAMESPACES = ("api:", "fhir:", "cds:")


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
    name, raw_args, method = route
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    args = [str(request.getfixturevalue(a[1:]).pk) if a.startswith("@") else a for a in raw_args]
    with translation.override("fr"):
        url = reverse(name, args=args)
    # The API and FHIR are called with a personal token, as systems do; pages with a session.
    client = bearer_client_for(user) if name.startswith(API_NAMESPACES) else client_for(user)
    response = getattr(client, method.lower())(url)
    assert response.status_code == MATRIX[route][persona], f"{method} {url} as {persona}"
