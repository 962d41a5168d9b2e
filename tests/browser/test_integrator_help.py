"""The integrators' help pages (coverage check, CDS Hooks, Questionnaires) in both languages: they pass an
axe-core scan, and their copy-paste examples fit a 375 px phone without a horizontal scroll."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible

SLUGS = ("pharmacy-coverage", "cds-hooks", "fhir-questionnaires")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_integrator_pages_are_accessible_and_fit_a_phone(page, live_server, language):
    page.set_viewport_size({"width": 375, "height": 740})
    for slug in SLUGS:
        page.goto(f"{live_server.url}/{language}/help/{slug}/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("pre").count() >= 1
        assert_accessible(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{slug} scrolls sideways by {overflow}px"
