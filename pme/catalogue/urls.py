from django.urls import path

from pme.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.drug_list, name="list"),
    path("suggestions/", views.suggest, name="suggest"),
    path("<int:pk>/", views.drug_detail, name="drug"),
]
