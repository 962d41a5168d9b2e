"""Reads on payment authorization requests (always starting from access.requests_visible_to)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from pme.accounts.models import User
from pme.authorizations.access import requests_visible_to
from pme.authorizations.lifecycle import OPEN_STATUSES, Status
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.core.nam import NAM


def my_requests(
    user: User,
    *,
    status: str = "",
    drug_query: str = "",
    sent_from: dt.date | None = None,
    sent_to: dt.date | None = None,
) -> QuerySet[AuthorizationRequest]:
    requests = requests_visible_to(user).select_related("drug", "prescriber")
    if status:
        requests = requests.filter(status=status)
    if drug_query:
        requests = requests.filter(drug__search_document__contains=drug_query.lower()) | requests.filter(
            drug_description__icontains=drug_query
        )
    if sent_from:
        requests = requests.filter(submitted_at__date__gte=sent_from)
    if sent_to:
        requests = requests.filter(submitted_at__date__lte=sent_to)
    return requests.order_by("-submitted_at", "-created_at")


def open_duplicates(auth_request: AuthorizationRequest) -> QuerySet[AuthorizationRequest]:
    """Open requests for the same insured person and drug, shown before a submission."""
    duplicates = AuthorizationRequest.objects.filter(
        nam=auth_request.nam, status__in=OPEN_STATUSES | {Status.ACCEPTED}
    ).exclude(pk=auth_request.pk)
    if auth_request.drug_id:
        duplicates = duplicates.filter(drug_id=auth_request.drug_id)
    else:
        duplicates = duplicates.filter(drug_description__iexact=auth_request.drug_description)
    return duplicates.filter(status__in=OPEN_STATUSES).order_by("-submitted_at")


def requests_for_insured(nam: NAM) -> QuerySet[AuthorizationRequest]:
    return AuthorizationRequest.objects.filter(nam=nam.value)


def unread_notifications(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .select_related("auth_request", "auth_request__drug")
        .order_by("-created_at")
    )
