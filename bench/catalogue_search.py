"""Catalogue search on 10,000 drugs: what the public list (count + first page of 50) and the suggestions
(first 8) cost per query, on the database of DATABASE_URL (meant for PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pme_cat .venv/bin/python bench/catalogue_search.py

It creates a throw-away test database (test_<name>), loads the seed catalogue, adds synthetic drugs up to
10,000, then times each query 30 times and reports the median and the 95th percentile in milliseconds.
Writes bench/results/catalogue-search-<date>.json, or `-2`, `-3`… after an earlier run of the same day
(or the path in CATALOGUE_SEARCH_OUT).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("PME_HTTPS", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench.report import free_stamp  # noqa: E402

TOTAL = 10_000
RUNS = 30
QUERIES = [
    "dupixent",  # brand, prefix
    "sémaglutide",  # accented generic name
    "semaglutide",  # without the accent
    "02470365",  # DIN
    "AI582",  # exception code
    "mab",  # substring of many names (worst case: thousands of matches)
    "lizumab",  # inside words
    "zzzzqx",  # nothing
]
SYLLABLES = [
    "ba",
    "cor",
    "da",
    "fen",
    "gli",
    "ka",
    "lo",
    "mi",
    "na",
    "pra",
    "ri",
    "sa",
    "ta",
    "vo",
    "xi",
    "zu",
]
SUFFIXES = ["mab", "nib", "pril", "sartan", "olol", "statine", "gliflozine", "tide", "vir", "azole"]


def synthetic(n: int, rng: random.Random) -> list:
    from pme.catalogue.models import DIN, Drug
    from pme.catalogue.search_text import normalize, search_document

    drugs, dins = [], []
    for i in range(n):
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) + rng.choice(SUFFIXES)
        brand = name[:3].capitalize() + "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        din = f"{30_000_000 + i:08d}"
        drug = Drug(
            key=f"synthetic-{i}",
            generic_name_fr=name,
            generic_name_en=name.replace("ine", "in"),
            brand=brand,
            list_status="exception",
            therapeutic_system=rng.choice(["CV", "EN", "RE", "SN", "ON"]),
        )
        drug.search_document = search_document([drug.generic_name_fr, drug.generic_name_en, brand, din])
        drug.sort_name = normalize(name)
        drugs.append(drug)
        dins.append(din)
    created = Drug.objects.bulk_create(drugs, batch_size=1000)
    DIN.objects.bulk_create(
        [DIN(drug=d, din=din) for d, din in zip(created, dins, strict=True)], batch_size=1000
    )
    return created


def timed(function) -> list[float]:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(samples), 2),
        "p95": round(sorted(samples)[int(RUNS * 0.95) - 1], 2),
    }


def main() -> int:
    from pme.catalogue.demo import load_seed_catalogue
    from pme.catalogue.models import Drug
    from pme.catalogue.selectors import public_drug_list, suggestions

    vendor = connection.vendor
    config = setup_databases(verbosity=0, interactive=False)
    try:
        load_seed_catalogue()
        synthetic(TOTAL - Drug.objects.count(), random.Random(42))
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("ANALYZE")
        assert Drug.objects.count() == TOTAL
        results: dict[str, dict] = {}
        for query in QUERIES:

            def list_page(q=query):
                drugs = public_drug_list(query=q)
                return drugs.count(), list(drugs[:50])

            count = public_drug_list(query=query).count()
            page = timed(list_page)
            suggest = timed(lambda q=query: suggestions(q))
            results[query] = {
                "matches": count,
                "list_page_ms": {
                    "median": round(statistics.median(page), 2),
                    "p95": round(sorted(page)[int(RUNS * 0.95) - 1], 2),
                },
                "suggestions_ms": {
                    "median": round(statistics.median(suggest), 2),
                    "p95": round(sorted(suggest)[int(RUNS * 0.95) - 1], 2),
                },
            }
            lp, sg = results[query]["list_page_ms"], results[query]["suggestions_ms"]
            print(
                f"{query!r:16} {count:>6} matches   list page: median {lp['median']:6.2f} ms"
                f"  p95 {lp['p95']:6.2f} ms   suggestions: median {sg['median']:6.2f} ms"
                f"  p95 {sg['p95']:6.2f} ms"
            )
    finally:
        teardown_databases(config, verbosity=0)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    default = out / f"{free_stamp(out, f'catalogue-search-{dt.date.today().isoformat()}', '.json')}.json"
    path = Path(os.environ.get("CATALOGUE_SEARCH_OUT") or default)
    path.write_text(
        json.dumps({"database": vendor, "drugs": TOTAL, "runs": RUNS, "queries": results}, indent=2) + "\n"
    )
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
