from django.urls import path

from pme.authorizations import views

app_name = "authorizations"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.start, name="new"),
    path("new/exception/<int:indication_pk>/", views.new_exception, name="new_exception"),
    path("new/exceptional-patient/", views.new_exceptional_patient, name="new_exceptional_patient"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transmit/", views.transmit, name="transmit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/review/", views.ask_review, name="ask_review"),
    path("<int:pk>/renew/", views.renew, name="renew"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
