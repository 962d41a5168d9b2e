"""The normalized form of names used by search: the same in Python, SQLite and PostgreSQL.

Search compares normalized strings with plain `LIKE`, so it needs no database extension (unaccent,
pg_trgm) and behaves identically on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower case, accents stripped, every run of non-alphanumerics turned into one space.

    >>> normalize("  Sémaglutide (Ozempic®) ")
    'semaglutide ozempic'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", stripped.casefold().replace("ß", "ss")).strip()


def search_document(terms: Iterable[str]) -> str:
    """The stored search column: each normalized term between separators, so that a word prefix is
    `LIKE '% <q>%'` and a whole-term prefix is `LIKE '%|<q>%'`."""
    parts = [normalize(t) for t in terms]
    return "|" + "|".join(f" {p}" for p in parts if p) + "|"
