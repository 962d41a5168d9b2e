"""Action codes are stored; their sentences (pme/audit/codes.py) show them in the reader's language."""

from __future__ import annotations

from django.utils.functional import Promise

from pme.audit.codes import SENTENCES, describe


def all_actions() -> dict[str, str | Promise]:
    """Every registered code with its sentence (the privacy officer's search offers them all)."""
    return {str(code): sentence for code, sentence in SENTENCES.items()}


def describe_action(code: str) -> str:
    """The sentence for `code` in the active language, or the code itself when none is known."""
    return describe(code)
