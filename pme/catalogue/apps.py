from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "pme.catalogue"
    label = "catalogue"
    verbose_name = _("Drug catalogue")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from pme.catalogue.cached import touch_indication
        from pme.catalogue.models import Criterion

        post_save.connect(touch_indication, sender=Criterion, dispatch_uid="criterion-touches-indication")
        post_delete.connect(touch_indication, sender=Criterion, dispatch_uid="criterion-touches-indication")
