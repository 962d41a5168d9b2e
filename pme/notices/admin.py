from django.contrib import admin

from pme.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "kind")
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
