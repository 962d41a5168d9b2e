"""Search: accents, case, brands, DINs, codes; prefix matches first. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pme.catalogue.demo import load_seed_catalogue
from pme.catalogue.search_text import normalize
from pme.catalogue.selectors import public_drug_list, search_drugs, suggestions


@pytest.fixture
def catalogue(db):
    load_seed_catalogue()


def keys(query: str) -> list[str]:
    return [d.key for d in search_drugs(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("semaglutide", "semaglutide"),
        ("SÉMAGLUTIDE", "semaglutide"),
        ("sémaglutide", "semaglutide"),
        ("ozempic", "semaglutide"),
        ("Ozémpic", "semaglutide"),
        ("dupixent", "dupilumab"),
        ("02470365", "dupilumab"),
        ("0247036", "dupilumab"),
        ("AI582", "fidaxomicin"),
        ("ai 582", "fidaxomicin"),
        ("99113874", "dexcom-g6"),
        ("acide obeticholique", "obeticholic-acid"),
        ("obeticholic acid", "obeticholic-acid"),
        ("Tériparatide", "teriparatide"),
        ("galcanezumab", "galcanezumab"),
    ],
)
def test_finds_by_name_brand_din_or_code_ignoring_accents_and_case(catalogue, query, expected):
    assert keys(query)[0] == expected


def test_prefix_matches_come_first(db):
    from pme.catalogue.tests.factories import DrugFactory

    for key, name in [("abcam", "abcamine"), ("la-camomille", "la camomille"), ("camelia", "camélia")]:
        DrugFactory.create(key=key, generic_name_fr=name, generic_name_en=name, brand="")
    assert keys("cam") == ["camelia", "la-camomille", "abcam"]
    assert keys("CAMÉ") == ["camelia"]


def test_a_word_prefix_beats_a_substring(catalogue):
    found = keys("fluticasone")
    assert found == ["copd-combinations"]
    ranked = list(search_drugs("ar"))
    ranks = [d.rank for d in ranked]  # type: ignore[attr-defined]
    assert ranks == sorted(ranks)


def test_nothing_found(catalogue):
    assert keys("zzzzzz") == []


def test_filters_of_the_public_list(catalogue):
    codified = {d.key for d in public_drug_list(codified=True)}
    assert {"fidaxomicin", "obeticholic-acid", "copd-combinations", "cabergoline"} <= codified
    assert "dupilumab" not in codified
    assert "edoxaban" not in {d.key for d in public_drug_list()}  # now regular
    cardio = {d.key for d in public_drug_list(therapeutic_system="CV")}
    assert "sacubitril-valsartan" in cardio
    assert "dupilumab" not in cardio


def test_suggestions_need_two_characters(catalogue):
    assert suggestions("d") == []
    assert suggestions("dupi")[0].key == "dupilumab"


@given(st.text(max_size=30))
def test_normalize_is_idempotent_and_plain(text):
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert all(c.isascii() and (c.isalnum() or c == " ") for c in once)
