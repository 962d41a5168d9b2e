from django.urls import path

from pme.audit.views import incidents, trail

app_name = "audit"
urlpatterns = [
    path("", trail.events, name="events"),
    path("events.csv", trail.events_csv, name="events_csv"),
    path("person/", trail.person_report, name="person_report"),
    path("person.csv", trail.person_report_csv, name="person_report_csv"),
    path("yearly/", trail.yearly_report, name="yearly_report"),
    path("yearly.csv", trail.yearly_report_csv, name="yearly_report_csv"),
    path("signals/", trail.signals, name="signals"),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident_edit"),
]
