from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "guichet.participation"
    label = "participation"
    verbose_name = "Participation : consultations, idées, avis, pétitions"
