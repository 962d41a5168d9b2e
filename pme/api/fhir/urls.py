from django.urls import URLPattern, path, re_path

from pme.api.fhir import eligibility, questionnaire_views, views

app_name = "fhir"
_routes: list[URLPattern] = [
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
for _route in _routes:
    _route.callback = views.fhir_errors(_route.callback)
urlpatterns = [*_routes, re_path(r"^(?P<path>.*)$", views.unknown, name="unknown")]
