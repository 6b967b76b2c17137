from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "guichet.authorities"
    label = "authorities"
    verbose_name = "Collectivités et agents"
