"""Versions of indications and withdrawal of codes, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pme.audit.models import AuditEvent
from pme.catalogue.selectors import current_version
from pme.catalogue.services import publish_indication_version, withdraw_exception_code
from pme.catalogue.tests.factories import CriterionFactory, ExceptionCodeFactory, IndicationFactory

pytestmark = pytest.mark.django_db


def test_a_list_update_keeps_the_old_version_for_requests_made_under_it():
    v1 = IndicationFactory.create(effective_from=dt.date(2024, 1, 1))
    CriterionFactory.create(indication=v1, key="severe")
    v2 = publish_indication_version(
        v1, actor=None, effective_from=dt.date(2026, 2, 4), changes={"title_en": "Very severe asthma"}
    )
    v1.refresh_from_db()
    assert (v2.lineage, v2.version) == (v1.lineage, 2)
    assert v1.effective_to == dt.date(2026, 2, 3)
    assert v1.title_en == "Severe asthma"
    assert [c.key for c in v2.criteria.all()] == ["severe"]
    assert current_version(v1.lineage, on=dt.date(2026, 2, 3)) == v1
    assert current_version(v1.lineage, on=dt.date(2026, 2, 4)) == v2
    assert AuditEvent.objects.filter(action="catalogue.indication_version_published").count() == 1
    with pytest.raises(ValidationError):
        publish_indication_version(v1, actor=None, effective_from=dt.date(2027, 1, 1), changes={})


def test_a_withdrawn_code_stays_honoured_until_its_validity_ends():
    code = ExceptionCodeFactory.create(code="RE173", effective_from=dt.date(2020, 1, 1))
    withdraw_exception_code(
        code, actor=None, withdrawn_on=dt.date(2025, 8, 14), valid_until=dt.date(2026, 8, 13)
    )
    code.refresh_from_db()
    assert code.can_be_prescribed(dt.date(2025, 8, 13))
    assert not code.can_be_prescribed(dt.date(2025, 8, 14))
    assert code.is_honoured(dt.date(2026, 8, 13))
    assert not code.is_honoured(dt.date(2026, 8, 14))
    with pytest.raises(ValidationError):
        withdraw_exception_code(
            code, actor=None, withdrawn_on=dt.date(2025, 8, 14), valid_until=dt.date(2025, 1, 1)
        )
