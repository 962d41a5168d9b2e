from django.urls import path

from pme.portal import bench_views

app_name = "bench"
urlpatterns = [path("minimal", bench_views.minimal, name="minimal")]
