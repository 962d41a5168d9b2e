from django.urls import path

from pme.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_index, name="help"),
    path("help/<slug:slug>/", views.help_section, name="help_section"),
]
