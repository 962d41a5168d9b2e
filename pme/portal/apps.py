from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Interface layer for the site as a whole: home, help, health check, navigation, demo data."""

    name = "pme.portal"
    label = "portal"
    verbose_name = "Portal"
