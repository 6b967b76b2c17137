from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "guichet.cases"
    label = "cases"
    verbose_name = "Demandes"

    def ready(self) -> None:
        from guichet.cases.models import RoutingRule
        from guichet.cases.relationships import with_requests_of
        from guichet.core import refcache
        from guichet.people.access import register_relationship

        refcache.watch(RoutingRule)  # read by every filing (ADR 0010)
        register_relationship("requests", with_requests_of)  # who an agent may see (ADR 0017)
