from django.contrib import admin

from pme.review.models import Decision, RefusalReason, ReviewerProfile


@admin.register(RefusalReason)
class RefusalReasonAdmin(admin.ModelAdmin[RefusalReason]):
    """The managed list of refusal reasons. Deactivate a reason instead of deleting it."""

    list_display = ("code", "text_fr", "text_en", "applies_to_criterion", "active", "position")
    list_filter = ("active",)
    list_editable = ("active", "position")

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin[ReviewerProfile]):
    list_display = ("user", "is_supervisor")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin[Decision]):
    """Read-only: decisions are made on the review pages, which lock the request and audit them."""

    list_display = ("auth_request", "kind", "reviewer", "partial", "created_at")
    list_filter = ("kind",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
