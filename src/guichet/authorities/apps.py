from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "guichet.authorities"
    label = "authorities"
    verbose_name = "Collectivités et agents"

    def ready(self) -> None:
        from guichet.authorities.models import Authority, CompetenceAssignment, OwnedService, Team
        from guichet.core import refcache

        # Read on every request, changed a few times a year: cached per process (ADR 0010).
        refcache.watch(Authority, CompetenceAssignment, OwnedService, Team)
