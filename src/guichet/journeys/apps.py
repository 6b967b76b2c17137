from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "guichet.journeys"
    verbose_name = "parcours usagers"
    default_auto_field = "django.db.models.BigAutoField"
