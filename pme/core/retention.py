"""The retention registry: each app says how long its personal information is kept, and removes it.

An app plugs in by defining `pme/<app>/retention.py` with a module-level `POLICIES` tuple of objects
that follow `RetentionPolicy`. `manage.py apply_retention` finds them (like `seed_demo` finds
`demo.py`), so the command's app never imports the apps whose data it purges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Protocol

from django.apps import apps

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RetentionResult:
    """What a policy did (or, in a dry run, would do): counts by kind of action, e.g.
    {"deleted": 1200} or {"anonymized": 30, "files_deleted": 31}."""

    policy: str
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


class RetentionError(Exception):
    """A policy refuses to run (the message says why); nothing of that policy was removed."""


class RetentionPolicy(Protocol):
    name: str

    def describe(self) -> str:
        """One sentence: what is kept, for how long, counted from when, and what happens after."""
        ...

    def apply(self, *, dry_run: bool, now: dt.datetime, progress: Progress) -> RetentionResult:
        """Anonymizes or deletes what is past its period (nothing when `dry_run`), in small
        transactions, calling `progress` now and then; records its own audit event when it changes
        anything."""
        ...


def discover_policies() -> list[RetentionPolicy]:
    """Every installed PME app's policies, top layer first, so that the audit trail (a low layer)
    is purged last and its own event follows those of the apps it describes."""
    policies: list[RetentionPolicy] = []
    for config in reversed(list(apps.get_app_configs())):
        if not config.name.startswith("pme."):
            continue
        try:
            module = import_module(f"{config.name}.retention")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.retention":
                raise
            continue
        policies.extend(getattr(module, "POLICIES", ()))
    return policies


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same instant `years` calendar years earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)
