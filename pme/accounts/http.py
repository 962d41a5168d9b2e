"""Typing help for views behind `login_required`: there, `request.user` is always our User."""

from __future__ import annotations

from django.http import HttpRequest

from pme.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
