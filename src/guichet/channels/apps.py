from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "guichet.channels"
    label = "channels"
    verbose_name = "Canaux d'accueil"

    def ready(self) -> None:
        from guichet.channels.contrib import agent_entered, self_service  # noqa: F401
