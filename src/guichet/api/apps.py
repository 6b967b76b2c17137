from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "guichet.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from guichet.api import errors

        # Hostile input refused before any view answers in the API's and Open311's formats.
        errors.answer_refusals()
