"""Demo data of the accounts app: delegations of the demo assistants, confirmed e-mail addresses, and a
second factor for the demo Régie staff (DEBUG only), whose codes `manage.py demo_totp_code` prints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts.models import Delegation, DelegationPermission, Role, User
from pme.core.timeutils import local_today, now

DEMO_DELEGATIONS = (
    ("adjointe.roy", "dre.tremblay", DelegationPermission.CONSULT_DRAFT),
    ("adjointe.roy", "ips.lavoie", DelegationPermission.CONSULT),
    ("adjoint.cote", "dr.gagnon", DelegationPermission.CONSULT),
)


@transaction.atomic
def seed(stdout: Any) -> None:
    users = {u.username: u for u in User.objects.all()}
    created = 0
    for collaborator, prescriber, permission in DEMO_DELEGATIONS:
        if collaborator not in users or prescriber not in users:
            continue
        _link, made = Delegation.objects.get_or_create(
            collaborator=users[collaborator],
            prescriber=users[prescriber],
            removed_at=None,
            declined_at=None,
            defaults={"permission": permission, "starts_on": local_today(), "accepted_at": now()},
        )
        created += made
    User.objects.filter(email_verified_at__isnull=True).exclude(email="").update(email_verified_at=now())
    stdout.write(f"Demo delegations created: {created}.")
    if not settings.DEBUG:
        stdout.write("Not in DEBUG: no demo second factor for Régie staff (they enrol at first login).")
        return
    staff = [u for u in users.values() if u.role in Role.staff_roles()]
    for user in staff:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="PME demo", confirmed=True)
    if staff:
        stdout.write(
            "Régie staff log in with a second factor. Current code: "
            ".venv/bin/python manage.py demo_totp_code CE100001 (DEBUG only)."
        )
