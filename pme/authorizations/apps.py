from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorizationsConfig(AppConfig):
    name = "pme.authorizations"
    label = "authorizations"
    verbose_name = _("Payment authorization requests")
