"""Checks that keep the competence map coherent, shared by the actions and the admin forms.

Each `check_*` raises a `ValidationError` with a French message for the person who tried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from guichet.authorities.models import Authority, CompetenceAssignment
from guichet.catalogue.models import Service
from guichet.territory.models import Commune, Membership

Kind = Authority.Kind


def tier(authority: Authority) -> int | None:
    """Rank in local government, low to high; None for an operator (outside the tiers).

    An EPT sits below the other EPCI because, in Grand Paris, the Métropole du Grand Paris
    (a METRO) stands above the EPTs.
    """
    if authority.kind == Kind.COMMUNE:
        return 0
    if authority.kind == Kind.INTERCOMMUNALITY:
        return 1 if authority.intercommunality.kind == "EPT" else 2
    if authority.kind == Kind.DEPARTEMENT:
        return 3
    return None


def covered_communes(authority: Authority) -> QuerySet[Commune]:
    """The communes (and their delegated communes, arrondissements) on `authority`'s territory."""
    if authority.kind == Kind.COMMUNE:
        where = Q(pk=authority.commune_id) | Q(parent_id=authority.commune_id)
    elif authority.kind == Kind.INTERCOMMUNALITY:
        members = Membership.objects.filter(intercommunality_id=authority.intercommunality_id)
        member_ids = members.values("commune_id")
        where = Q(pk__in=member_ids) | Q(parent_id__in=member_ids)
    elif authority.kind == Kind.DEPARTEMENT:
        where = Q(departement_id=authority.departement_id) | Q(
            parent__departement_id=authority.departement_id
        )
    else:
        return Commune.objects.none()
    return Commune.objects.filter(where)


def check_territory_link(
    kind: str,
    *,
    commune: Commune | None,
    intercommunality,
    departement,
) -> None:
    """The authority of `kind` is linked to exactly the matching territory row."""
    links = {
        Kind.COMMUNE: commune,
        Kind.INTERCOMMUNALITY: intercommunality,
        Kind.DEPARTEMENT: departement,
    }
    if kind not in Kind.values:
        raise ValidationError(f"Nature de collectivité inconnue : {kind}.")
    expected = links.get(kind)
    if kind != Kind.OPERATOR and expected is None:
        raise ValidationError(
            f"Une collectivité de nature « {Kind(kind).label} » doit être rattachée "
            "à son territoire."
        )
    others = [label for label, row in links.items() if label != kind and row is not None]
    if others:
        raise ValidationError(
            f"Une collectivité de nature « {Kind(kind).label} » ne peut pas être rattachée "
            f"à un territoire d'une autre nature ({', '.join(Kind(o).label for o in others)})."
        )
    if commune is not None and commune.kind != Commune.Kind.CURRENT:
        parent = f" : créez plutôt {commune.parent.name}" if commune.parent_id else ""
        raise ValidationError(
            f"{commune.name} est une {commune.get_kind_display()}, pas une collectivité{parent}."
        )


def check_transfer(
    *,
    service: Service,
    granting: Authority,
    receiving: Authority,
    communes: Iterable[Commune] = (),
    starts_on: dt.date | None = None,
) -> None:
    """A transfer goes up the tiers to an authority that covers every commune concerned."""
    communes = list(communes)
    if Kind.OPERATOR in (granting.kind, receiving.kind):
        raise ValidationError(
            "Un opérateur ne donne ni ne reçoit de transfert de compétence : "
            "enregistrez une délégation de service public."
        )
    if tier(receiving) <= tier(granting):
        raise ValidationError(
            f"{receiving.name} n'est pas d'un niveau supérieur à {granting.name} : un transfert "
            "de compétence va de la commune vers l'intercommunalité, ou vers le département."
        )
    _check_within(granting, communes)
    concerned = covered_communes(granting)
    if communes:
        concerned = concerned.filter(pk__in=[c.pk for c in communes])
    outside = concerned.exclude(pk__in=covered_communes(receiving).values("pk"))
    if names := _names(outside):
        raise ValidationError(f"{receiving.name} ne couvre pas {names}.")
    _check_no_overlap(CompetenceAssignment.Kind.TRANSFER, service, granting, communes, starts_on)


def check_delegation(
    *,
    service: Service,
    granting: Authority,
    receiving: Authority,
    communes: Iterable[Commune] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> None:
    """A delegation goes from a local authority to an operator, for its own territory."""
    communes = list(communes)
    if receiving.kind != Kind.OPERATOR:
        raise ValidationError(
            f"Une délégation de service public se fait au profit d'un opérateur : "
            f"{receiving.name} n'en est pas un (pour une collectivité, enregistrez un transfert)."
        )
    if granting.kind == Kind.OPERATOR:
        raise ValidationError("Un opérateur ne peut pas déléguer un service à un autre.")
    check_dates(starts_on, ends_on)
    _check_within(granting, communes)
    _check_no_overlap(CompetenceAssignment.Kind.DELEGATION, service, granting, communes, starts_on)


def check_dates(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError("La date de fin précède la date de début.")


def _check_within(granting: Authority, communes: list[Commune]) -> None:
    if not communes:
        return
    inside = set(
        covered_communes(granting)
        .filter(pk__in=[c.pk for c in communes])
        .values_list("pk", flat=True)
    )
    if names := ", ".join(c.name for c in communes if c.pk not in inside):
        raise ValidationError(f"{names} : hors du territoire de {granting.name}.")


def _check_no_overlap(
    kind: str,
    service: Service,
    granting: Authority,
    communes: list[Commune],
    starts_on: dt.date | None,
) -> None:
    """Two assignments of the same kind may not compete for the same commune and dates."""
    existing = CompetenceAssignment.objects.filter(
        kind=kind, service=service, granting_authority=granting
    )
    if starts_on is not None:
        existing = existing.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    else:
        existing = existing.filter(ends_on__isnull=True)
    pks = {c.pk for c in communes}
    for other in existing.prefetch_related("communes"):
        theirs = {c.pk for c in other.communes.all()}
        if not pks or not theirs or pks & theirs:
            label = CompetenceAssignment.Kind(kind).label
            raise ValidationError(
                f"{granting.name} a déjà enregistré pour « {service.name} » sur ces communes : "
                f"{label} vers {other.receiving_authority.name}. Mettez-y fin d'abord."
            )


def _names(communes: QuerySet[Commune], limit: int = 5) -> str:
    names = list(communes.order_by("name").values_list("name", flat=True)[: limit + 1])
    if len(names) > limit:
        return ", ".join(names[:limit]) + "…"
    return ", ".join(names)
