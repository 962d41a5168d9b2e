"""Screenshots of each role's main page, in French, at 1280 and 375 px, from the demo data.

They go to docs/screenshots/ (linked from the README).

Start the demo first (`make run`), then, from the repository's root:

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000

Each demo user logs in through the login page (Régie staff with the code of `manage.py demo_totp_code`), in
Debian's Chromium driven by Playwright. `--page PATH` takes other pages instead (for a look at one page).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "exception-demo-2026"  # the demo's published password (README)
# (file name, username, main page of the role: the home page and its to-do list outside the Régie, the
# work queue or register inside it)
ROLES = (
    ("prescriber", "dre.tremblay", "/fr/"),
    ("collaborator", "adjointe.roy", "/fr/"),
    ("pharmacist", "pharm.bouchard", "/fr/consultation/status/"),  # with the README's try-out person
    ("reviewer", "CE100001", "/fr/review/"),
    ("access_admin", "CE100003", "/fr/accounts/regie/access-requests/"),
    ("privacy_officer", "CE100004", "/fr/audit/incidents/"),
)
WIDTHS = (1280, 375)
JULIE_NAM = "TREM 8553 1512"


def totp(username: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py, with a demo username)
        [sys.executable, "manage.py", "demo_totp_code", username],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()[0]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/fr/accounts/login/")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if username.startswith("CE"):
        page.get_by_label("Code").fill(totp(username))
        page.get_by_role("button", name="Continuer").click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--page", action="append", default=[], help="PATH[@username]: other pages to shoot")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the first screen")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    shots = list(ROLES)
    if args.page:
        shots = []
        for spec in args.page:
            path, _at, username = spec.partition("@")
            name = path.strip("/").replace("/", "-") or "home"
            shots.append((f"{username or 'dre.tremblay'}-{name}", username or "dre.tremblay", path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, username, path in shots:
            state = None  # one login per user (a one-time code works once), then every width
            for width in WIDTHS:
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, locale="fr-CA", storage_state=state
                )
                page = context.new_page()
                if state is None:
                    log_in(page, args.base, username)
                    state = context.storage_state()
                page.goto(f"{args.base}{path}")
                if path.endswith("/consultation/status/"):
                    page.get_by_label("Numéro d'assurance maladie").fill(JULIE_NAM)
                    page.locator("main form button[type=submit]").first.click()
                assert "/accounts/" not in page.url or "/accounts/" in path, f"not logged in: {page.url}"
                target = args.out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=args.full_page or width == 375)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
