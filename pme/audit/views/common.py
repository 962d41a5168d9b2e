"""Helpers shared by the privacy officer's pages: saved searches, pagination, CSV."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from pme.audit.selectors import EventCriteria

PER_PAGE = 50
SEARCHES_KEY = "audit_searches"
MAX_SEARCHES = 20
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def remember(request: HttpRequest, kind: str, criteria: EventCriteria) -> str:
    """Keeps a search in the session and returns an opaque token for the URL: a NAM typed in a form never
    appears in an address, a log line or the browser history, and the session holds only its hash."""
    token = secrets.token_urlsafe(12)
    searches: dict[str, Any] = dict(request.session.get(SEARCHES_KEY, {}))
    searches[token] = {"kind": kind, **criteria.to_session()}
    while len(searches) > MAX_SEARCHES:
        searches.pop(next(iter(searches)))
    request.session[SEARCHES_KEY] = searches
    return token


def recall(request: HttpRequest, kind: str) -> tuple[str, EventCriteria | None]:
    """The token in `?q=` and its search; None when there is no token or it has expired."""
    token = request.GET.get("q", "")
    data = request.session.get(SEARCHES_KEY, {}).get(token) if token else None
    if not data or data.get("kind") != kind:
        return token, None
    return token, EventCriteria.from_session(data)


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE) -> Page[Any]:
    """The requested page, evaluated now, so that the event the page records is not listed on it."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def _safe(value: object) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> StreamingHttpResponse:
    """Streams a UTF-8 CSV (with BOM, so spreadsheets read accents) without holding it in memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_safe(cell) for cell in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
