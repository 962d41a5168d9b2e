from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "pme.review"
    label = "review"
    verbose_name = _("Régie review")

    def ready(self) -> None:
        from pme.authorizations.reads import add_request_section
        from pme.notices.registry import register
        from pme.review.mail import render_decision_notice
        from pme.review.reads import request_page_section

        for kind in ("review.accepted", "review.refused", "review.information_requested"):
            register(kind, render_decision_notice)
        add_request_section(request_page_section)
