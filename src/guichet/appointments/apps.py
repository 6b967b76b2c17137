from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "guichet.appointments"
    label = "appointments"
    verbose_name = "Rendez-vous"

    def ready(self) -> None:
        from guichet.appointments.relationships import with_appointments_at
        from guichet.people.access import register_relationship

        # an appointment at one of its places lets an authority see the person (ADR 0017)
        register_relationship("appointments", with_appointments_at)
