from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "guichet.identity"
    label = "identity"
    verbose_name = "Identification (FranceConnect, ProConnect, double authentification)"

    def ready(self) -> None:
        # Each provider registers itself when its module is imported.
        from guichet.identity.providers import franceconnect, proconnect  # noqa: F401
