from django.urls import path

from pme.api.fhir import eligibility, questionnaire_views, views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Claim/$submit", views.claim_submit, name="claim_submit"),
    path("Claim/$inquire", views.claim_inquire, name="claim_inquire"),
    path("ClaimResponse/<int:pk>", views.claim_response, name="claim_response"),
    path("Questionnaire", questionnaire_views.questionnaire_search, name="questionnaire_search"),
    path("Questionnaire/<int:pk>", questionnaire_views.questionnaire_read, name="questionnaire"),
    path(
        "CoverageEligibilityRequest/$submit",
        eligibility.coverage_eligibility_submit,
        name="coverage_eligibility_submit",
    ),
]
