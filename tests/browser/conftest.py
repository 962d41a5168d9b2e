"""Real Chromium (Debian's package) driven by Playwright, against pytest-django's live server.

The browser tests never skip in CI: when PME_REQUIRE_BROWSER=1 (set by .ci/run) a missing Chromium is a
failure. On a developer machine without Chromium they skip with the reason shown.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test body are still
# plain synchronous calls, which Django would otherwise refuse inside a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PME_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    required = os.environ.get("PME_REQUIRE_BROWSER") == "1"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if required:
            pytest.fail(f"Chromium not found at {CHROMIUM} and PME_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(chromium: Any, *, javascript: bool, language: str = "fr-CA") -> Any:
    # bypass_csp lets the test inject axe-core; the application's own scripts still obey the CSP.
    context = chromium.new_context(java_script_enabled=javascript, bypass_csp=True, locale=language)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.pme_javascript = javascript
    return page


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    page = _new_page(chromium, javascript=True)
    yield page
    page.context.close()


@pytest.fixture
def page_nojs(chromium: Any, live_server: Any) -> Iterator[Any]:
    page = _new_page(chromium, javascript=False)
    yield page
    page.context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations on the current page (axe-core).

    With JavaScript disabled in the page, axe runs in a second context on the same HTML.
    """
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page: Any) -> None:
    """Fails on any serious or critical axe-core violation of the page as the user sees it now.

    A page opened with JavaScript off cannot run axe itself: its exact HTML is scanned in a scratch
    JavaScript-enabled page, with a <base> so that the same stylesheets apply (contrast is measured).
    """
    target = page
    scratch = None
    if not getattr(page, "pme_javascript", True):
        scratch = page.context.browser.new_context(bypass_csp=True)
        target = scratch.new_page()
        html = page.content().replace("<head>", f'<head><base href="{page.url}">', 1)
        target.set_content(html, wait_until="load")
    try:
        violations = axe_violations(target)
        if violations:
            ARTIFACTS.mkdir(exist_ok=True)
            target.screenshot(path=str(ARTIFACTS / "axe-failure.png"), full_page=True)
    finally:
        if scratch is not None:
            scratch.close()
    assert not violations, f"{page.url}: {violations}"
