"""The header's menu and language link, from addresses remembered per role, language and path."""

from __future__ import annotations

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
