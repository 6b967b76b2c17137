from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "guichet.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue de services"

    def ready(self) -> None:
        from guichet.catalogue.models import Category, Service, WorkflowDefinition
        from guichet.core import refcache

        # Read on every request, changed a few times a year: cached per process (ADR 0010).
        refcache.watch(Category, Service, WorkflowDefinition)
        # Service versions are not watched: a published one never changes (publishing saves
        # the service, which drops the cache), and a draft is never cached (ADR 0027).
