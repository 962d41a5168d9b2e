from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Interface layer for the site as a whole: home, help, health check, navigation, demo data."""

    name = "pme.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from pme.portal import checks  # noqa: F401 (registers the system check)
