"""Read-only admin views of requests: staff may look, nobody may change what a prescriber sent
(Drug insurance act, s. 82). Changes go through the services; the database triggers back this up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pme.authorizations.models import AuthorizationRequest, TimelineEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuthorizationRequest)
class AuthorizationRequestAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "kind", "prescriber", "submitted_at", "automated")
    list_filter = ("status", "kind", "urgency", "automated")
    search_fields = ("number",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ("auth_request", "at", "action", "from_status", "to_status", "actor")
