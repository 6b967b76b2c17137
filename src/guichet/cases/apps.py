from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "guichet.cases"
    label = "cases"
    verbose_name = "Demandes"

    def ready(self) -> None:
        from guichet.cases.models import RoutingRule
        from guichet.core import refcache

        refcache.watch(RoutingRule)  # read by every filing (ADR 0010)
