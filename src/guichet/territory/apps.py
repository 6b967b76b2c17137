from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "guichet.territory"
    label = "territory"
    verbose_name = "Territoire"
