from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "pme.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from pme.audit import checks  # noqa: F401 (registers the checks)
        from pme.audit.dbroles import grant_app_role

        # Once per migrate, after every app's migrations: the application role's privileges.
        post_migrate.connect(grant_app_role, sender=self, dispatch_uid="pme.audit.grant_app_role")
