"""The header's menu and language link, from addresses remembered per role, language and path."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from pme.portal.navigation import menu_for


@pytest.mark.django_db
def test_each_role_gets_its_own_menu_in_each_language(reviewer, pharmacist):
    for language in ("fr", "en", "fr"):
        with translation.override(language):
            queue = reverse("review:queue")
            review = menu_for(reviewer, queue)
            pharmacy = menu_for(pharmacist, reverse("portal:home"))
        assert all(item["url"].startswith(f"/{language}/") for item in review + pharmacy)
        assert [item["url"] for item in review if item["current"]] == [queue]
        assert queue not in [item["url"] for item in pharmacy]
        assert pharmacy[0]["current"] is True  # home is current on the home page only
        assert sum(item["current"] for item in pharmacy) == 1


@pytest.mark.django_db
def test_the_other_language_link_keeps_the_page_and_its_query(client):
    html = client.get("/fr/catalogue/?q=dupi").content.decode()
    assert 'class="language-switch" href="/en/catalogue/?q=dupi"' in html
    html = client.get("/en/catalogue/?q=abc&page=2").content.decode()
    assert 'class="language-switch" href="/fr/catalogue/?q=abc&amp;page=2"' in html


def _links(html: str, start: str, end: str) -> list[str]:
    part = html[html.index(start) : html.index(end, html.index(start))]
    return re.findall(r'<a href="([^"]+)"', part)


@pytest.mark.django_db
def test_both_menus_list_the_same_items_and_mark_the_page_shown(client, pharmacist):
    client.force_login(pharmacist)
    html = client.get(reverse("portal:home")).content.decode()
    wide = _links(html, 'class="menu-wide"', "</ul>")
    compact = _links(html, 'class="menu-compact"', "</details>")
    assert wide == compact == [item["url"] for item in menu_for(pharmacist, reverse("portal:home"))]
    assert html.count('aria-current="page"') == 2  # home, once in each menu
    assert '<summary><span class="menu-bars" aria-hidden="true"></span>Menu</summary>' in html


@pytest.mark.django_db
def test_the_footer_follows_the_page_language(client):
    """The footer is rendered once per language and remembered: a French page after an English one still
    gets the French footer, with French addresses."""
    for language, help_word, note in (
        ("fr", "Aide", "PME est un service de démonstration."),
        ("en", "Help", "PME is a demonstration service."),
        ("fr", "Aide", "PME est un service de démonstration."),
    ):
        html = client.get(f"/{language}/").content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert f'<a href="/{language}/help/">{help_word}</a>' in footer
        assert f'href="/{language}/help/contact/"' in footer
        assert note in footer
