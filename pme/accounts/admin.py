from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from pme.accounts.models import PharmacistProfile, PrescriberProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "language", "is_active")
    list_filter = ("role", "is_active", "language")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("PME", {"fields": ("role", "language")}))


admin.site.register(PrescriberProfile)
admin.site.register(PharmacistProfile)
