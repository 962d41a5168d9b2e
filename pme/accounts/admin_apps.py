"""The Django admin's app configuration: its default site is PME's (pme/accounts/admin_site.py).

A module of its own, free of model imports, because INSTALLED_APPS loads it before the models exist."""

from django.contrib.admin.apps import AdminConfig


class PmeAdminConfig(AdminConfig):
    default_site = "pme.accounts.admin_site.PmeAdminSite"
