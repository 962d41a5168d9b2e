"""The audit app names the privacy officer role by its stored value (it sits below accounts)."""

from pme.accounts.models import Role
from pme.audit.access import PRIVACY_OFFICER


def test_audit_names_the_privacy_officer_role_as_accounts_stores_it():
    assert Role.PRIVACY_OFFICER == PRIVACY_OFFICER
