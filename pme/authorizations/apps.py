from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorizationsConfig(AppConfig):
    name = "pme.authorizations"
    label = "authorizations"
    verbose_name = _("Payment authorization requests")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from pme.authorizations import db_guards

        def guard(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
            if sender.name == self.name:
                db_guards.reinstall(using)

        post_migrate.connect(guard, dispatch_uid="pme.authorizations.db_guards")
