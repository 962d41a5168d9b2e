"""Catalogue fixtures, registered for the whole suite in the root conftest.py (the permission matrix
uses them as "@public_drug")."""

from __future__ import annotations

import pytest

from pme.catalogue.models import Drug
from pme.catalogue.tests.factories import DrugFactory


@pytest.fixture
def public_drug(db) -> Drug:
    return DrugFactory.create(
        key="dupilumab", generic_name_fr="dupilumab", brand="Dupixent", dins=["02470365"]
    )
