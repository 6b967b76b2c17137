from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "guichet.cases"
    label = "cases"
    verbose_name = "Demandes"

    def ready(self) -> None:
        from guichet.cases.models import RoutingRule
        from guichet.cases.relationships import with_requests_of
        from guichet.cases.workflow import check_workflow_document, expand_workflow_document
        from guichet.catalogue.versions import register_workflow_rules
        from guichet.core import refcache
        from guichet.people.access import register_relationship
        from guichet.territory.models import Area

        refcache.watch(RoutingRule, Area)  # read by every filing (ADR 0010): rules and areas
        register_relationship("requests", with_requests_of)  # who an agent may see (ADR 0017)
        # a service version's workflow is checked before publication (ADR 0027)
        register_workflow_rules(check=check_workflow_document, expand=expand_workflow_document)
