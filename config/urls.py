from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from pme.portal import views as portal_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("api/v1/", include("pme.api.urls")),
    path("fhir/R4/", include("pme.api.fhir.urls")),
    path("", include("pme.api.cds.urls")),  # /cds-services (CDS Hooks)
]
if settings.PME_BENCH_VIEWS:  # the benchmarks' fixed page (bench/run.py); never set in production
    urlpatterns.append(path("bench/", include("pme.portal.bench_urls")))

urlpatterns += i18n_patterns(
    path("", include("pme.portal.urls")),
    path("accounts/", include("pme.accounts.urls")),
    path("catalogue/", include("pme.catalogue.urls")),
    path("requests/", include("pme.authorizations.urls")),
    path("audit/", include("pme.audit.urls")),
    path("consultation/", include("pme.consultation.urls")),
    path("review/", include("pme.review.urls")),
    prefix_default_language=True,
)
if settings.PME_ADMIN_ENABLED:  # off by default; see pme/accounts/admin_site.py
    urlpatterns += i18n_patterns(path("admin/", admin.site.urls), prefix_default_language=True)

handler400 = "pme.portal.errors.bad_request"
handler403 = "pme.portal.errors.permission_denied"
handler404 = "pme.portal.errors.page_not_found"
handler500 = "pme.portal.errors.server_error"
