from __future__ import annotations

import datetime as dt

from pme.accounts.models import Role, User
from pme.accounts.tests.factories import UserFactory
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.services import submit_request
from pme.authorizations.tests.factories import codified_indication, make_draft
from pme.review.models import RefusalReason, ReviewerProfile
from pme.review.services import take_request


def reviewer_factory(username: str, *, supervisor: bool = False, **kwargs: object) -> User:
    user = UserFactory.create(username=username, role=Role.REVIEWER, **kwargs)
    ReviewerProfile.objects.create(user=user, is_supervisor=supervisor)
    return user


def reason(code: str = "criterion-not-met", *, applies_to_criterion: bool = True) -> RefusalReason:
    """Data migrations are flushed by transactional tests: get or create the reason."""
    found, _created = RefusalReason.objects.get_or_create(
        code=code,
        defaults={
            "text_fr": f"Motif {code}",
            "text_en": f"Reason {code}",
            "applies_to_criterion": applies_to_criterion,
        },
    )
    return found


def sent_for_review(prescriber: User, indication: object = None, **overrides: object) -> AuthorizationRequest:
    """A request that waits for a reviewer: its yes/no criterion is answered "no"."""
    indication = indication or codified_indication()
    overrides.setdefault("answers", {"exacerbations": False})
    request = submit_request(
        request_id=make_draft(prescriber, indication, **overrides).pk, actor=prescriber
    ).auth_request
    assert request.status == "submitted"
    return request


def taken(auth_request: AuthorizationRequest, reviewer: User) -> AuthorizationRequest:
    return take_request(request_id=auth_request.pk, reviewer=reviewer)


REQUESTED_START = dt.date(2026, 12, 1)
