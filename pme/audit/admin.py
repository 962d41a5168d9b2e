from django.contrib import admin
from django.http import HttpRequest

from pme.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail has no update or delete path, not even for superusers."""

    list_display = ("seq", "created_at", "actor_username", "actor_role", "action", "outcome", "nam_masked")
    list_filter = ("action", "outcome", "actor_role")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
