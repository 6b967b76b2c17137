"""Portal pages for booking, changing and cancelling an appointment."""

from django.urls import path

app_name = "appointments"
urlpatterns: list = []
