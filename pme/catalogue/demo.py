"""Demo data: the seed catalogue (42 exception drugs), loaded through the importer, idempotently.

`seed_demo` (and so `make run`) calls `seed`; tests call `load_seed_catalogue`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pme.catalogue.exchange.importer import ImportReport, import_catalogue

SEED_FILE = Path(__file__).parent / "data" / "seed-catalogue.json"


def load_seed_catalogue() -> ImportReport:
    return import_catalogue(SEED_FILE.read_bytes(), name=SEED_FILE.name, actor=None)


def seed(stdout: Any) -> None:
    report = load_seed_catalogue()
    summary = ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items())) or "already up to date"
    stdout.write(f"Catalogue: {summary}.")
