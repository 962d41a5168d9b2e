from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorizationsConfig(AppConfig):
    name = "pme.authorizations"
    label = "authorizations"
    verbose_name = _("Payment authorization requests")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from pme.authorizations import db_guards
        from pme.authorizations.tasks import EXPIRY_NOTICE, render_expiry_notice
        from pme.notices.registry import register

        register(EXPIRY_NOTICE, render_expiry_notice)

        def guard(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
            if sender.name == self.name:
                db_guards.reinstall(using)

        post_migrate.connect(guard, dispatch_uid="pme.authorizations.db_guards")
