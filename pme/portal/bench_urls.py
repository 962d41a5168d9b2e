from django.urls import include, path

from pme.api.urls import tagged
from pme.portal import bench_views

app_name = "bench"
_api_patterns, _app, _namespace = bench_views.api.urls
urlpatterns = [
    path("minimal", bench_views.minimal, name="minimal"),
    path("logged-in", bench_views.logged_in, name="logged_in"),
    # In the audit channel "api", as /api/v1/ is.
    path("api/", include((tagged(list(_api_patterns)), "bench_api"))),
]
