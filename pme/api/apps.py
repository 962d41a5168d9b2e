from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pme.api"
    label = "pme_api"
    verbose_name = "API"
