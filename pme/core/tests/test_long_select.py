"""LongSelect writes what Django's Select writes (same elements, attributes and text), without a template
per option."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from pme.core.forms import LongSelect

CHOICES = [("", "Tous les médicaments"), (1, 'drogue <b>"x"</b> & co'), (17, "lévothyroxine"), (3, "Ω")]


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, *sorted(f"{k}={v}" for k, v in attrs)))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.seen.append(("text", data))


def parsed(html: str) -> list[tuple[str, ...]]:
    parser = Elements()
    parser.feed(html)
    return parser.seen


@pytest.mark.parametrize("value", [None, "", "17", 17, "404"])
def test_the_markup_is_djangos(value):
    attrs = {"id": "id_drug", "aria-describedby": "drug-help"}
    django_select = forms.Select(choices=CHOICES).render("drug", value, attrs)
    ours = LongSelect(choices=CHOICES).render("drug", value, attrs)
    assert parsed(ours) == parsed(django_select)


def test_labels_are_escaped():
    html = LongSelect(choices=CHOICES).render("drug", None)
    assert "<b>" not in html
    assert "drogue &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; co" in html
