from django.urls import path

from pme.api.fhir import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Claim/$submit", views.claim_submit, name="claim_submit"),
    path("Claim/$inquire", views.claim_inquire, name="claim_inquire"),
    path("ClaimResponse/<int:pk>", views.claim_response, name="claim_response"),
]
