"""The one authentication backend: Django's, refusing accounts that are inactive or have no role.

A user made by `createsuperuser` has no role: no second factor would apply to them, so they can log in
nowhere (pages, admin, API). Sessions are checked on every request through `get_user`, so an existing
session of such an account ends too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from pme.accounts.models import Role


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return bool(super().user_can_authenticate(user) and getattr(user, "role", "") in Role.values)
