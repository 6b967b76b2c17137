from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "guichet.satisfaction"
    label = "satisfaction"
    verbose_name = "Satisfaction"
