from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "guichet.territory"
    label = "territory"
    verbose_name = "Territoire"

    def ready(self) -> None:
        from guichet.core import refcache
        from guichet.territory.geocoding.contrib import ban, offline  # noqa: F401 (registered)
        from guichet.territory.models import (
            Commune,
            Departement,
            Intercommunality,
            Membership,
            Region,
        )

        # Read on every request, changed a few times a year: cached per process (ADR 0010).
        refcache.watch(Commune, Departement, Intercommunality, Membership, Region)
