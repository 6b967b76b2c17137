"""Reads of the catalogue for the portal, the back office and the API."""

from __future__ import annotations

import unicodedata

from django.db.models import QuerySet

from guichet.catalogue.formdef import FormDefinition
from guichet.catalogue.models import Category, Service, ServiceVersion
from guichet.core import refcache


def published_services(
    category: Category | str | None = None, query: str | None = None
) -> QuerySet[Service]:
    """Active services, in catalogue order, optionally in one category (object or slug)
    and matching every word of `query` in their name, summary, keywords or description.

    The search ignores case and accents ("eclairage" finds "Éclairage public"): it runs in
    Python over the published services, which number in the hundreds at most.
    """
    services = Service.objects.filter(is_active=True).select_related("category")
    if isinstance(category, Category):
        services = services.filter(category=category)
    elif category:
        services = services.filter(category__slug=category)
    words = _folded(query or "").split()
    if words:
        rows = services.values_list("pk", "name", "summary", "keywords", "description")
        matching = [
            pk for pk, *texts in rows if all(word in _folded(" ".join(texts)) for word in words)
        ]
        services = services.filter(pk__in=matching)
    return services


def service_by_slug(slug: str, *, include_inactive: bool = False) -> Service | None:
    """The service with this code, or None (also None when unpublished, unless asked).

    Cached per process (`core.refcache`): the object is shared, do not change it. A slug
    that names no service is not cached (it comes from the URL): it costs a query each time.
    """

    def load() -> Service | None:
        services = Service.objects.select_related("category", "workflow")
        if not include_inactive:
            services = services.filter(is_active=True)
        return services.filter(slug=slug).first()

    return refcache.get(("service_by_slug", slug, include_inactive), load)


def service_by_id(pk: int) -> Service | None:
    """The service `pk`, published or not (cached per process like `service_by_slug`)."""
    return refcache.get(
        ("service_by_id", pk),
        lambda: Service.objects.select_related("category", "workflow").filter(pk=pk).first(),
    )


def version_by_id(pk: int) -> ServiceVersion | None:
    """The service version `pk`. A published (or retired) version never changes: cached per
    process like `service_by_id`. A draft (a designer's test request) is read each time, so
    that a designer saving a draft drops no cache of the platform (ADR 0027)."""
    versions = ServiceVersion.objects.select_related("service").filter(pk=pk)
    frozen = refcache.get(
        ("version_by_id", pk),
        lambda: versions.exclude(status=ServiceVersion.Status.DRAFT).first(),
    )
    return frozen if frozen is not None else versions.first()


def form_of_request(request) -> FormDefinition:  # type: ignore[no-untyped-def]
    """The form a request's answers follow: the version it was filed with (ADR 0027), which is
    `answered_version` once it moved to another service (ADR 0028), or the service's own form
    for a request written before versions existed. Raises InvalidFormDefinition."""
    version_id = getattr(request, "answered_version_id", None) or request.service_version_id
    version = version_by_id(version_id) if version_id else None
    return version.form if version is not None else request.service.form


def service_name_of_request(request) -> str:  # type: ignore[no-untyped-def]
    """The service's name as the version the request was filed with spelled it."""
    version = version_by_id(request.service_version_id) if request.service_version_id else None
    return version.name if version is not None and version.name else request.service.name


def categories_with_services() -> QuerySet[Category]:
    """Categories that hold at least one published service, in display order."""
    return Category.objects.filter(services__is_active=True).distinct()


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def audience_of(service: Service) -> list[str]:
    """Who may ask for `service` (« particuliers », « entreprises », « associations »), from its
    current version's page; everyone when none was ticked. Cached by version: a published
    version never changes."""
    from guichet.catalogue.versions import AUDIENCES

    def load() -> list[str]:
        version = ServiceVersion.objects.filter(pk=service.current_version_id).first()
        chosen = (version.page.get("audience") if version is not None else None) or AUDIENCES
        return [label for key, label in AUDIENCES.items() if key in chosen]

    return refcache.get(("audience", service.current_version_id), load)
