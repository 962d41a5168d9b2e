from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from pme.accounts.models import AccessRequest, Delegation, PharmacistProfile, PrescriberProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Read-only: accounts, passwords and deactivations change only through the access administrators'
    pages, whose services end sessions, revoke tokens and audit (pme/accounts/services/security.py)."""

    list_display = ("username", "first_name", "last_name", "role", "language", "is_active")
    list_filter = ("role", "is_active", "language")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("PME", {"fields": ("role", "language")}))

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin[AccessRequest]):
    """Read-only: decisions go through the access administrators' pages, which audit them."""

    list_display = ("pk", "first_name", "last_name", "prescriber", "status", "completed_at")
    list_filter = ("status",)
    exclude = ("token_hash",)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin[Delegation]):
    list_display = ("collaborator", "prescriber", "permission", "starts_on", "ends_on", "removed_at")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False


admin.site.register(PrescriberProfile)
admin.site.register(PharmacistProfile)
