from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "guichet.appointments"
    label = "appointments"
    verbose_name = "Rendez-vous"
