"""Demo data of the accounts app: the demo assistants' delegations (from when they joined), confirmed
e-mail addresses, a second factor for the demo Régie staff (whose codes `manage.py demo_totp_code` prints),
and form 4313 access requests in each state the access administrator meets: two waiting for the Régie,
one waiting for the person's part (its link e-mail is sent by the task worker when `make run` starts).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts.access import token_digest
from pme.accounts.models import AccessRequest, Delegation, DelegationPermission, Role, StaffKind, User
from pme.accounts.notices import LINK_LIFETIME
from pme.accounts.services.access_requests import complete_access_request, create_access_request
from pme.core.timeutils import now

DEMO_DELEGATIONS = (
    ("adjointe.roy", "dre.tremblay", DelegationPermission.CONSULT_DRAFT),
    ("adjointe.roy", "ips.lavoie", DelegationPermission.CONSULT),
    ("adjoint.cote", "dr.gagnon", DelegationPermission.CONSULT),
)
# (prescriber, first name, last name, e-mail, language, kind, clinic, job title, days ago; None: the person
# has not filled their part yet)
DEMO_ACCESS_REQUESTS = (
    (
        "dre.tremblay",
        "Karine",
        "Boucher",
        "karine.boucher@clinique-laurier.example",
        "fr",
        StaffKind.NURSING,
        "Clinique Laurier",
        "Infirmière auxiliaire",
        3,
    ),
    (
        "dr.gagnon",
        "Emma",
        "Wilson",
        "emma.wilson@chu-nord.example",
        "en",
        StaffKind.ADMINISTRATIVE,
        "CHU Nord",
        "Medical office assistant",
        1,
    ),
    (
        "ips.lavoie",
        "Mélanie",
        "Dion",
        "melanie.dion@clinique-laurier.example",
        "fr",
        StaffKind.ADMINISTRATIVE,
        "Clinique Laurier",
        "",
        None,
    ),
)


def seed(stdout: Any) -> None:
    import time_machine  # a development dependency, like the demo itself

    users = {u.username: u for u in User.objects.all()}
    created = 0
    for collaborator, prescriber, permission in DEMO_DELEGATIONS:
        if collaborator not in users or prescriber not in users:
            continue
        joined = users[collaborator].date_joined + dt.timedelta(days=6)
        with time_machine.travel(joined, tick=False), transaction.atomic():
            _link, made = Delegation.objects.get_or_create(
                collaborator=users[collaborator],
                prescriber=users[prescriber],
                removed_at=None,
                declined_at=None,
                defaults={"permission": permission, "starts_on": joined.date(), "accepted_at": joined},
            )
        created += made
    User.objects.filter(email_verified_at__isnull=True).exclude(email="").update(email_verified_at=now())
    stdout.write(f"Demo delegations created: {created}.")
    for user in [u for u in users.values() if u.role in Role.staff_roles()]:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="PME demo", confirmed=True)
    _access_requests(users, stdout)


def _access_requests(users: dict[str, User], stdout: Any) -> None:
    import time_machine

    if AccessRequest.objects.filter(prescriber__username__in=[r[0] for r in DEMO_ACCESS_REQUESTS]).exists():
        stdout.write("Demo access requests: already there.")
        return
    made = 0
    for prescriber, first, last, email, language, kind, clinic, title, days in DEMO_ACCESS_REQUESTS:
        if prescriber not in users:
            continue
        asked = now() - dt.timedelta(days=(days or 0) + 1, hours=2)
        with time_machine.travel(asked if days is not None else now(), tick=False), transaction.atomic():
            access_request = create_access_request(
                actor=users[prescriber],
                first_name=first,
                last_name=last,
                email=email,
                language=language,
                staff_kind=kind,
                clinic=clinic,
                permission=DelegationPermission.CONSULT,
                attests_direction=True,
                attests_no_sharing=True,
            )
        made += 1
        if days is None:
            continue  # waits for the person: the task worker sends them the link
        # The link the e-mail carried (what the access_request_link notice stores), followed the next day.
        AccessRequest.objects.filter(pk=access_request.pk).update(
            token_hash=token_digest(secrets.token_urlsafe(32)), link_expires_at=asked + LINK_LIFETIME
        )
        with time_machine.travel(now() - dt.timedelta(days=days, hours=1), tick=False), transaction.atomic():
            complete_access_request(
                AccessRequest.objects.get(pk=access_request.pk),
                first_name=first,
                last_name=last,
                job_title=title,
                accepts_commitment=True,
            )
    stdout.write(f"Demo access requests created: {made} (2 waiting for the Régie, 1 for the person).")
