"""docs/access.md shows the rule that the code applies (both come from access.RULES)."""

from __future__ import annotations

from pathlib import Path

from pme.accounts.models import Role
from pme.authorizations.access import RULES
from pme.authorizations.access_table import markdown_table

DOC = Path(__file__).resolve().parents[3] / "docs" / "access.md"


def test_the_document_shows_the_rule_the_code_applies():
    text = DOC.read_text()
    start = text.index("<!-- access-table:start -->") + len("<!-- access-table:start -->")
    end = text.index("<!-- access-table:end -->")
    assert text[start:end].strip() == markdown_table()


def test_every_role_has_a_rule():
    assert set(RULES) == set(Role.values)
