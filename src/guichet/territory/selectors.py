"""Reads of the administrative map: by code, postcode, point, name; EPCI of a commune."""

from __future__ import annotations

import re

from django.db.models import Case, F, IntegerField, Q, Value, When

from guichet.core import refcache
from guichet.territory import geometry
from guichet.territory.models import Commune, Intercommunality, Postcode
from guichet.territory.text import normalize_name

CURRENT = Commune.Kind.CURRENT
_CODE_PREFIX = re.compile(r"^[0-9][0-9AB]?[0-9]{0,3}$", re.IGNORECASE)


def commune_by_code(code: str) -> Commune | None:
    """The current commune with this INSEE code (never the delegated one sharing it).

    Cached per process (`core.refcache`): the object is shared, do not change it. A code
    that names no commune is not cached (it comes from the request): it costs a query each time.
    """
    code = code.strip().upper()
    return refcache.get(
        ("commune_by_code", code),
        lambda: (
            Commune.objects.filter(code=code, kind=CURRENT).select_related("departement").first()
        ),
    )


def commune_by_id(pk: int) -> Commune | None:
    """The commune `pk` with its département, without its boundary (cached per process,
    `core.refcache`: do not change the object)."""
    return refcache.get(
        ("commune_by_id", pk),
        lambda: (
            Commune.objects.select_related("departement")
            .defer("boundary", "bbox")
            .filter(pk=pk)
            .first()
        ),
    )


def communes_by_postcode(postcode: str) -> list[Commune]:
    """The current communes a postcode serves, by name; often one, sometimes a dozen.

    La Poste's table also lists delegated communes and municipal arrondissements: they
    are answered with the commune they belong to, once.
    """
    codes = set(
        Postcode.objects.filter(code=postcode.strip()).values_list("commune_code", flat=True)
    )
    if not codes:
        return []
    found: dict[int, Commune] = {}
    rows = Commune.objects.filter(code__in=codes).select_related("parent", "departement")
    for commune in rows:
        current = commune if commune.kind == CURRENT else commune.parent
        if current is not None and current.kind == CURRENT:
            found.setdefault(current.pk, current)
    return sorted(found.values(), key=lambda commune: (commune.search_name, commune.code))


def commune_at_point(lon: float, lat: float) -> Commune | None:
    """The current commune whose stored boundary contains the point (WGS 84), if any."""
    candidates = list(
        Commune.objects.filter(
            kind=CURRENT,
            bbox__isnull=False,
            bbox__0__lte=lon,
            bbox__1__lte=lat,
            bbox__2__gte=lon,
            bbox__3__gte=lat,
        )
        .order_by("code")
        .values_list("pk", "bbox")
    )
    missing = [pk for pk, bbox in candidates if geometry.cached(pk, bbox) is None]
    boundaries = dict(
        Commune.objects.filter(pk__in=missing).values_list("pk", "boundary") if missing else []
    )
    for pk, bbox in candidates:
        shape = geometry.cached(pk, bbox) or geometry.prepare(pk, bbox, boundaries[pk])
        if geometry.contains(shape, lon, lat):
            return Commune.objects.select_related("departement").get(pk=pk)
    return None


def intercommunalities_of(commune: Commune) -> list[Intercommunality]:
    """The EPCI of a commune, then its EPT (Grand Paris); a delegated commune's are its parent's."""
    target_id = commune.pk
    if commune.kind != CURRENT and commune.parent_id is not None:
        target_id = commune.parent_id
    found = Intercommunality.objects.filter(memberships__commune_id=target_id)
    return sorted(found, key=lambda group: (group.kind == Intercommunality.Kind.EPT, group.name))


def search_communes(text: str, limit: int = 20) -> list[Commune]:
    """Communes whose name starts with `text` (any word, accents and case ignored) or
    whose INSEE code starts with it; current communes first, then the most populated."""
    text = text.strip()
    if not text:
        return []
    kind_rank = Case(When(kind=CURRENT, then=Value(0)), default=Value(1))
    communes = Commune.objects.select_related("departement").annotate(kind_rank=kind_rank)
    if _CODE_PREFIX.match(text):
        by_code = communes.filter(code__startswith=text.upper()).order_by("code", "kind_rank")
        return list(by_code[:limit])
    normalized = normalize_name(text)
    if not normalized:
        return []
    by_name = communes.filter(
        Q(search_name__startswith=normalized) | Q(search_name__contains=f" {normalized}")
    ).annotate(
        name_rank=Case(
            When(search_name__startswith=normalized, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    return list(
        by_name.order_by(
            "name_rank", "kind_rank", F("population").desc(nulls_last=True), "search_name", "code"
        )[:limit]
    )
