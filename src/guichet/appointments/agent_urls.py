"""Back-office pages: agendas, bookings on a person's behalf."""

from django.urls import path

app_name = "agendas"
urlpatterns: list = []
