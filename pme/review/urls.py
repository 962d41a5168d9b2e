from django.urls import path

from pme.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/information/", views.request_information, name="request_information"),
    path("decisions/<int:pk>/letter/", views.letter, name="letter"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("metrics/export.csv", views.metrics_csv, name="metrics_csv"),
]
