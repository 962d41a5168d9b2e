"""Demo data of the review: a reviewer profile for each demo reviewer, CE100001 as a supervisor (reassigns).
The refusal reasons list comes with the migrations."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pme.accounts.models import Role, User
from pme.review.models import RefusalReason, ReviewerProfile

SUPERVISORS = ("CE100001",)


@transaction.atomic
def seed(stdout: Any) -> None:
    # The list itself comes with migration 0002 (a fresh installation must be able to refuse).
    reasons = RefusalReason.objects.filter(active=True).count()
    for user in User.objects.filter(role=Role.REVIEWER):
        ReviewerProfile.objects.update_or_create(
            user=user, defaults={"is_supervisor": user.username in SUPERVISORS}
        )
    stdout.write(f"Active refusal reasons: {reasons}. Supervisor: {', '.join(SUPERVISORS)}.")
