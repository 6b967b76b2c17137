"""Reads for the designer's pages: who may design for which authority, the services an
authority owns, the library of models, one owned service (404 alike for missing and
forbidden)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404

from guichet.authorities.competence import holding_communes
from guichet.authorities.models import Authority, OwnedService
from guichet.authorities.service_design import LEVEL_OF_KIND
from guichet.backoffice.selectors import authorities_where
from guichet.catalogue.models import Service, ServiceVersion
from guichet.territory.models import Commune

PERMISSION = "design_services"


def designer_authorities(user) -> list[Authority]:
    """The authorities whose services `user` may design (designers and administrators)."""
    return authorities_where(user, PERMISSION)


@dataclass
class ServiceRow:
    service: Service
    authority: Authority
    draft: ServiceVersion | None
    published: ServiceVersion | None  # the current version


def owned_services(authorities: list[Authority]) -> list[ServiceRow]:
    """The services these authorities designed, with their draft and current version: three
    queries whatever their number."""
    drafts = ServiceVersion.objects.filter(status=ServiceVersion.Status.DRAFT)
    owned = (
        OwnedService.objects.filter(authority__in=authorities)
        .select_related("authority", "service", "service__current_version")
        .prefetch_related(Prefetch("service__versions", queryset=drafts, to_attr="drafts"))
        .order_by("authority__name", "service__name")
    )
    return [
        ServiceRow(
            service=row.service,
            authority=row.authority,
            draft=row.service.drafts[0] if row.service.drafts else None,  # type: ignore[attr-defined]
            published=row.service.current_version,
        )
        for row in owned
    ]


def owned_service(user, pk: int) -> tuple[Service, Authority]:
    """The service `pk` if one of `user`'s designer authorities owns it; Http404 alike for
    missing and forbidden."""
    authorities = designer_authorities(user)
    row = (
        OwnedService.objects.filter(service_id=pk, authority__in=authorities)
        .select_related("service", "service__current_version", "authority")
        .first()
    )
    if row is None:
        raise Http404("Service introuvable.")
    return row.service, row.authority


def library(authority: Authority, *, every_level: bool = False) -> list[Service]:
    """The models an authority may start from: the platform's catalogue (services no
    authority owns), those of its own level first (a commune's, an EPCI's, a département's)."""
    models = Service.objects.filter(owner__isnull=True).select_related("category")
    level = LEVEL_OF_KIND.get(authority.kind)
    if level and not every_level:
        models = models.filter(level=level)
    return list(models.order_by("category__position", "name"))


def draft_of(service: Service) -> ServiceVersion | None:
    return service.versions.filter(status=ServiceVersion.Status.DRAFT).first()


def version_of(service: Service, number) -> ServiceVersion:
    try:
        return service.versions.get(number=int(number))
    except (ValueError, TypeError, ServiceVersion.DoesNotExist):
        raise Http404("Version introuvable.") from None


@dataclass
class Offer:
    """Where a designed service may be offered (`candidates`: the communes where its authority
    holds the competence) and where it is (`chosen`: ids as text; empty: everywhere)."""

    candidates: list[Commune]
    chosen: set[str]


def offer(service: Service, authority: Authority, *, typed: list[str] | None = None) -> Offer:
    if typed is None:
        owned = OwnedService.objects.get(service=service, authority=authority)
        typed = [str(pk) for pk in owned.communes.values_list("pk", flat=True)]
    return Offer(holding_communes(service, authority), set(typed))
