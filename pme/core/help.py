"""A section of the user guide. Apps declare theirs in `pme/<app>/help.py` as `HELP_SECTIONS`; the portal
collects them (core is below every app, so each can import this)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class HelpSection:
    slug: str
    title: str | Promise
    summary: str | Promise
