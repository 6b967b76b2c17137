from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "guichet.portal"
    label = "portal"
    verbose_name = "Portail usagers"

    def ready(self) -> None:
        from guichet.core.middleware import answer_refusals_under
        from guichet.portal.views.places import refusal_response

        # The address search's hostile queries (NUL, invalid UTF-8…) answered in its JSON.
        answer_refusals_under("/adresses/", refusal_response)
