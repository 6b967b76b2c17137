from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "guichet.opendata"
    label = "opendata"
    verbose_name = "Données ouvertes"

    def ready(self) -> None:
        from guichet.opendata import after_publication

        after_publication.register()
