"""The audit app names the privacy officer role by its stored value (it sits below accounts)."""

from pme.accounts.models import Role
from pme.audit.access import PRIVACY_OFFICER


def test_audit_names_the_privacy_officer_role_as_accounts_stores_it():
    assert Role.PRIVACY_OFFICER == PRIVACY_OFFICER


def test_the_trail_names_every_role_inclusively():
    from django.utils import translation

    from pme.audit.selectors import INCLUSIVE_ROLES, role_labels

    assert set(INCLUSIVE_ROLES) == set(Role.values)
    with translation.override("fr"):
        labels = role_labels()
    assert labels["pharmacist"] == "Pharmacienne ou pharmacien"
    assert labels["collaborator"] == "Adjointe ou adjoint administratif"
