from __future__ import annotations

import datetime as dt

from pme.accounts.tests.factories import PrescriberProfileFactory
from pme.authorizations.models import AuthorizationRequest, RequestKind
from pme.authorizations.services import DraftInput, save_draft
from pme.catalogue.tests.factories import CriterionFactory, ExceptionCodeFactory, IndicationFactory
from pme.core.nam import NAM

NAM_TREMBLAY = "TREM85531512"  # a woman born 15 March 1985


def codified_indication(**kwargs: object):
    """An indication with an exception code, automatic decision allowed, one yes/no criterion."""
    values: dict[str, object] = {
        "automatic_decision": True,
        "initial_duration": 12,
        "quantity_rule_fr": "1 inhalateur par mois",
        "quantity_rule_en": "1 inhaler a month",
        **kwargs,
    }
    indication = IndicationFactory.create(exception_code=ExceptionCodeFactory.create(code="RE172"), **values)
    CriterionFactory.create(
        indication=indication,
        key="exacerbations",
        question_fr="Au moins 2 exacerbations?",
        question_en="At least 2 exacerbations?",
        satisfying_values=[True],
    )
    return indication


def draft_input(indication=None, **overrides: object) -> DraftInput:
    values: dict[str, object] = {
        "kind": RequestKind.EXCEPTION_DRUG if indication is not None else RequestKind.EXCEPTIONAL_PATIENT,
        "nam": NAM.parse(NAM_TREMBLAY),
        "insured_last_name": "Tremblay",
        "insured_first_name": "Julie",
        "insured_birth_date": dt.date(1985, 3, 15),
        "drug": indication.drug if indication is not None else None,
        "indication": indication,
        "answers": {"exacerbations": True} if indication is not None else {},
        "requested_start": dt.date(2026, 12, 1),
        "requested_duration": 12,
        "dosage": "2 inhalations twice a day",
        "quantity": "1 inhaler",
    }
    if indication is None:
        values.update(
            drug_description="drug X 10 mg tablet",
            condition="rare disease",
            alternatives_unusable="none works",
            seriousness="life-threatening",
            expected_benefit="fewer hospital stays",
        )
    values.update(overrides)
    return DraftInput(**values)  # type: ignore[arg-type]


def make_draft(
    prescriber=None, indication=None, *, entered_by=None, **overrides: object
) -> AuthorizationRequest:
    """A draft for `prescriber`, entered by them or by `entered_by` (a collaborator who may draft)."""
    prescriber = prescriber or PrescriberProfileFactory.create().user
    saved = save_draft(
        actor=entered_by or prescriber, prescriber=prescriber, data=draft_input(indication, **overrides)
    )
    return saved.auth_request
