"""/cds-services: CDS Hooks 2.0 (pme/api/cds/views.py)."""

from django.urls import path

from pme.api.cds import views

app_name = "cds"
urlpatterns = [
    path("cds-services", views.discovery, name="discovery"),
    path("cds-services/<slug:service_id>", views.service, name="service"),
]
