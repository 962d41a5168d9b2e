#!/usr/bin/env python
"""Translation catalogues without system gettext at run time.

  i18n.py update [APP_DIR...]  re-extract messages into every catalogue, or those of the given apps
                               (needs xgettext: Debian package gettext)
  i18n.py compile  write the .mo files from the .po files (pure Python, polib)
  i18n.py check    fail when any catalogue has an untranslated, fuzzy or placeholder-mismatched entry

Source strings are English; French catalogues are required to be complete. English is the source
language, so it needs no catalogue (docs/decisions/0002-translations.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_LANGUAGES = ("fr",)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def catalogues() -> list[Path]:
    found = []
    for base in [ROOT / "locale", *sorted((ROOT / "pme").glob("*/locale"))]:
        found += sorted(base.glob("*/LC_MESSAGES/*.po"))
    return found


def update(apps: list[str]) -> int:
    """Re-extracts every catalogue, or only those of the given app folders (e.g. pme/catalogue), so that
    people working on different apps never rewrite each other's catalogues."""
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1"), "PYTHONPATH": str(ROOT)}
    if apps:
        for app in apps:
            (ROOT / app / "locale").mkdir(exist_ok=True)
            for language in REQUIRED_LANGUAGES:
                cmd = [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "makemessages",
                    "-l",
                    language,
                    "--add-location=file",
                    "--no-obsolete",
                ]
                subprocess.run(cmd, cwd=ROOT / app, env=env, check=True)  # noqa: S603 (fixed argv)
        return 0
    for language in REQUIRED_LANGUAGES:
        cmd = [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            language,
            "--add-location=file",
            "--no-obsolete",
            "--ignore=.venv/*",
            "--ignore=var/*",
            "--ignore=tests/*",
            "--ignore=bench/*",
            "--ignore=node_modules/*",
        ]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True)  # noqa: S603 (fixed argv)
    return 0


def compile_all() -> int:
    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    return 0


def inconsistencies() -> list[str]:
    """Django merges every app's catalogue into one: the same source string translated two ways in two
    apps shows one of them, depending on app order. Each string has one translation (use pgettext for
    a word with two meanings)."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in catalogues():
        if po_path.parent.parent.name not in REQUIRED_LANGUAGES:
            continue
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and not entry.obsolete:
                key = (entry.msgctxt, entry.msgid)
                seen.setdefault(key, {})[str(po_path.relative_to(ROOT))] = entry.msgstr
    return [
        f"{msgid[:60]!r} is translated differently: "
        + "; ".join(f"{path}: {text!r}" for path, text in sorted(by_file.items()))
        for (_context, msgid), by_file in sorted(seen.items(), key=lambda item: item[0][1])
        if len(set(by_file.values())) > 1
    ]


def check() -> int:
    problems = []
    for po_path in catalogues():
        language = po_path.parent.parent.name
        if language not in REQUIRED_LANGUAGES:
            continue
        po = polib.pofile(str(po_path))
        rel = po_path.relative_to(ROOT)
        for entry in po:
            if entry.obsolete:
                continue
            where = f"{rel}: {entry.msgid[:60]!r}"
            if "fuzzy" in entry.flags:
                problems.append(f"{where} is fuzzy")
            translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
            if not all(t.strip() for t in translations):
                problems.append(f"{where} is not translated")
                continue
            expected = set(_PLACEHOLDER.findall(entry.msgid))
            for translation in translations:
                if (
                    set(_PLACEHOLDER.findall(translation))
                    - expected
                    - set(_PLACEHOLDER.findall(entry.msgid_plural))
                ):
                    problems.append(f"{where} has placeholders that the source does not")
    problems += inconsistencies()
    for line in problems:
        print(line)
    print(f"translation check: {len(problems)} problem(s) in {len(catalogues())} catalogue(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        sys.exit(update(sys.argv[2:]))
    sys.exit({"compile": compile_all, "check": check}[command]())
