from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pme.core"
    label = "core"
    verbose_name = "PME core"

    def ready(self) -> None:
        from pme.core import lookups

        lookups.register()
