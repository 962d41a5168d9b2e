from django.urls import path

from pme.consultation import views

app_name = "consultation"
urlpatterns = [
    path("", views.panorama, name="panorama"),
    path("results/", views.panorama_results, name="panorama_results"),
    path("status/", views.status_lookup, name="status_lookup"),
    path("status/results/", views.status_results, name="status_results"),
]
