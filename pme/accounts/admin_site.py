"""The Django admin, locked to the service's own door.

Off unless PME_ADMIN_ENABLED=1 (config/urls.py does not even route it). When on:
- it has no login form of its own: visitors go to the service's login page, so the same throttle,
  second factor and audit apply (pme/accounts/services/authentication.py);
- only Régie staff accounts flagged `is_staff` who passed the second factor in this session may enter;
- every admin page opened is recorded (`admin.viewed`, with the page and the object) in the same
  transaction as the page, so a page whose event cannot be written is not shown (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY

from pme.accounts.services.admin_audit import audited_admin_view


def may_use_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        settings.PME_ADMIN_ENABLED
        and user.is_active
        and user.is_staff
        and getattr(user, "is_regie_staff", False)
        and DEVICE_ID_SESSION_KEY in request.session
    )


class PmeAdminSite(admin.AdminSite):
    site_header = _("PME technical administration")
    site_title = _("PME administration")
    index_title = _("Technical administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No second login form: the service's login page (throttle, second factor, audit)."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")

    def logout(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:  # type: ignore[override]
        return HttpResponseRedirect(reverse("accounts:security"))

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("accounts:password_change"))

    def admin_view(self, view: Callable[..., HttpResponseBase], cacheable: bool = False) -> Any:
        inner = super().admin_view(audited_admin_view(view), cacheable)

        @wraps(inner)
        def refuse_the_logged_in_without_permission(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied  # 403 at once, rather than a detour through a login they passed
            return inner(request, *args, **kwargs)

        return refuse_the_logged_in_without_permission
