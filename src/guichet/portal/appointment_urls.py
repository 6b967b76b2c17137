"""Portal pages for booking, changing and cancelling an appointment (`/rendez-vous/`)."""

from django.urls import path

from guichet.portal.views import appointments as portal

app_name = "appointments"
urlpatterns = [
    path("", portal.home, name="home"),
    path("lieu/<int:place>/<slug:slug>/", portal.week, name="week"),
    path("lieu/<int:place>/<slug:slug>/reserver/", portal.book, name="book"),
    path("rdv/<str:secret>/", portal.manage, name="manage"),
    path("rdv/<str:secret>/confirmation/", portal.confirmation, name="confirmation"),
    path("rdv/<str:secret>/annuler/", portal.cancel, name="cancel"),
    path("rdv/<str:secret>/changer/", portal.change, name="change"),
    path("rdv/<str:secret>/rendez-vous.ics", portal.calendar_file, name="ics"),
]
