"""Who delivers a service at a given commune: the competence map.

The default comes from the service's level (communal, intercommunal, departmental) and the
commune's place in the administrative map; recorded `CompetenceAssignment`s then apply in
order: transfers move the competence up a tier, then a delegation lets an operator act for
the competent authority.

Grand Paris: a commune there belongs to both an EPT and the Métropole du Grand Paris (MGP).
The intercommunal default is the EPT, because the EPTs hold the local services people ask
for (waste collection, water, sanitation, local roads); what the MGP holds instead is
recorded as a transfer from the EPT to the MGP.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from guichet.authorities.models import Authority, CompetenceAssignment, OwnedService
from guichet.catalogue.models import Level, Service
from guichet.core import refcache
from guichet.territory.models import Commune, Departement, Intercommunality, Membership

PARIS = ZoneInfo("Europe/Paris")
Via = Literal["default", "transfer", "delegation"]

LEVEL_LABELS = {
    Level.COMMUNAL: "compétence communale",
    Level.INTERCOMMUNAL: "compétence intercommunale",
    Level.DEPARTMENTAL: "compétence départementale",
}


@dataclass(frozen=True)
class Competence:
    """The answer to "who handles this service here?".

    `authority` is who receives the requests (None when the service is not offered online
    there); `acts_for` is the authority an operator acts for under a delegation;
    `default_authority` is the one the service's level designates before any transfer or
    delegation (None when it is not on the platform).
    """

    authority: Authority | None
    reason: str
    via: Via = "default"
    default_authority: Authority | None = None
    acts_for: Authority | None = None

    @property
    def available(self) -> bool:
        return self.authority is not None


def today_in_paris() -> dt.date:
    return timezone.localdate(timezone=PARIS)


def who_handles(service: Service, commune: Commune, *, on: dt.date | None = None) -> Competence:
    """Who handles `service` for people living in `commune` on date `on` (today in Paris).

    What it is computed from (the place's authorities and every assignment that may apply
    there, whatever its dates) is cached per process (`core.refcache`, dropped whenever a
    service, an authority, an assignment or the map changes), once per service and commune,
    not per date: the answer shares those objects, do not change them.
    """
    on = on or today_in_paris()

    def load() -> _Answers:
        place = _Place.load(commune)
        owned = OwnedService.objects.filter(service_id=service.pk).first()
        offered_here = True
        if owned is not None:
            offered = set(owned.communes.values_list("pk", flat=True))
            offered_here = not offered or bool(offered & place.commune_pks)
        assignments = _assignments(place, None, services=[service.pk]).get(service.pk, [])
        return _Answers(place, assignments, owned.authority_id if owned else None, offered_here)

    answers = refcache.get(("who_handles", service.pk, commune.pk), load)
    last_on, last = answers.last
    if last_on == on and last is not None:
        return last
    competence = answers.place.resolve(
        service,
        [a for a in answers.assignments if _in_force(a, on)],
        owner_id=answers.owner_id,
        offered_here=answers.offered_here,
    )
    answers.last = (on, competence)  # one assignment: threads never see a mixed pair
    return competence


@dataclass
class _Answers:
    """What `who_handles` keeps per service and commune, and its last answer (nearly every
    call asks for today)."""

    place: _Place
    assignments: list[CompetenceAssignment]
    owner_id: int | None = None  # the authority that designed the service (OwnedService)
    offered_here: bool = True  # False: its owner chose other communes (OwnedService.communes)
    last: tuple[dt.date | None, Competence | None] = (None, None)


def competence_map(
    commune: Commune, *, on: dt.date | None = None
) -> list[tuple[Service, Competence]]:
    """Every published service with who handles it at `commune`, available or not.

    A bounded number of queries whatever the size of the catalogue: the commune's chain of
    authorities and the assignments that may apply are read once.
    """
    on = on or today_in_paris()
    place = _Place.load(commune)
    chosen = OwnedService.communes.through.objects.filter(ownedservice__service_id=OuterRef("pk"))
    services = list(
        Service.objects.filter(is_active=True)
        .select_related("category")
        .annotate(
            designed_by=F("owner__authority_id"),  # the same query: a left join
            offered_here=~Exists(chosen) | Exists(chosen.filter(commune_id__in=place.commune_pks)),
        )
    )
    assignments = _assignments(place, on, services=None)
    return [
        (
            service,
            place.resolve(
                service,
                assignments.get(service.pk, []),
                owner_id=service.designed_by,  # type: ignore[attr-defined]
                offered_here=service.offered_here,  # type: ignore[attr-defined]
            ),
        )
        for service in services
    ]


def services_at(commune: Commune, *, on: dt.date | None = None) -> list[tuple[Service, Competence]]:
    """The published services offered online to people living in `commune`."""
    return [(service, c) for service, c in competence_map(commune, on=on) if c.available]


def holding_communes(service: Service, authority: Authority) -> list[Commune]:
    """The current communes where `authority` holds the competence for `service` today: its
    territory's communes where the service's level designates it, or where a transfer or a
    delegation in force gives it the service (the communes a designer may offer it in).

    The same rule as `who_handles` (`_Place.resolve`), in a bounded number of queries."""
    on = today_in_paris()
    rows = (
        CompetenceAssignment.objects.filter(service=service)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("granting_authority", "receiving_authority")
        .prefetch_related("communes")
        .order_by(F("starts_on").asc(nulls_first=True), "pk")
    )
    assignments = [(a, {c.pk for c in a.communes.all()}) for a in rows]
    granting = {
        a.granting_authority for a, _ in assignments if a.receiving_authority_id == authority.pk
    }
    territory = Q(pk__in=[])
    for holder in {authority, *granting}:
        territory |= _territory(holder)
    communes = list(
        Commune.objects.filter(territory, kind=Commune.Kind.CURRENT)
        .distinct()
        .order_by("name", "code")
    )
    found = []
    for place in _Place.load_many(communes):
        default, _label = place.default(service.level)
        if default is None:
            continue
        here = [
            a
            for a, listed in assignments
            if a.granting_authority_id in place.authority_pks
            and (not listed or listed & place.commune_pks)
        ]
        chain = place.chain(default, here)
        holders = {a.pk for a, _ in chain} | {
            a.receiving_authority_id
            for a in here
            if a.kind == CompetenceAssignment.Kind.DELEGATION
            and a.granting_authority_id == chain[-1][0].pk
        }
        if authority.pk in holders:
            found.append(place.commune)
    return found


def _territory(authority: Authority) -> Q:
    """The communes of an authority's territory (none for an operator)."""
    if authority.commune_id:
        return Q(pk=authority.commune_id)
    if authority.intercommunality_id:
        return Q(memberships__intercommunality_id=authority.intercommunality_id)
    if authority.departement_id:
        return Q(departement_id=authority.departement_id)
    return Q(pk__in=[])


@dataclass
class _Place:
    """A commune with every authority that may be competent there, read once."""

    commune: Commune
    seat: Commune  # holds the competences: the parent of a delegated commune or arrondissement
    intercommunalities: list[Intercommunality]
    departement: Departement | None
    by_commune: Authority | None = None
    by_intercommunality: dict[int, Authority] = field(default_factory=dict)
    by_departement: Authority | None = None

    @classmethod
    def load(cls, commune: Commune) -> _Place:
        seat = commune
        if commune.kind != Commune.Kind.CURRENT and commune.parent_id:
            seat = Commune.objects.select_related("departement").get(pk=commune.parent_id)
        intercommunalities = list(
            Intercommunality.objects.filter(memberships__commune=seat).order_by("kind", "pk")
        )
        departement_id = seat.departement_id or commune.departement_id
        departement = None
        if departement_id:
            departement = Departement.objects.get(pk=departement_id)
        place = cls(commune, seat, intercommunalities, departement)
        territory = Q(commune=seat) | Q(intercommunality__in=intercommunalities)
        if departement is not None:
            territory |= Q(departement=departement)
        for authority in Authority.objects.filter(territory):
            if authority.commune_id:
                place.by_commune = authority
            elif authority.intercommunality_id:
                place.by_intercommunality[authority.intercommunality_id] = authority
            else:
                place.by_departement = authority
        return place

    @classmethod
    def load_many(cls, communes: list[Commune]) -> list[_Place]:
        """`load` for many current communes (each its own seat), in four queries."""
        ids = [c.pk for c in communes]
        ics: dict[int, list[Intercommunality]] = defaultdict(list)
        memberships = (
            Membership.objects.filter(commune_id__in=ids)
            .select_related("intercommunality")
            .order_by("intercommunality__kind", "intercommunality__pk")
        )
        for membership in memberships:
            ics[membership.commune_id].append(membership.intercommunality)
        ic_ids = {ic.pk for found in ics.values() for ic in found}
        departements = Departement.objects.in_bulk({c.departement_id for c in communes})
        by_commune, by_ic, by_departement = {}, {}, {}
        territory = (
            Q(commune_id__in=ids)
            | Q(intercommunality_id__in=ic_ids)
            | Q(departement_id__in=list(departements))
        )
        for authority in Authority.objects.filter(territory):
            if authority.commune_id:
                by_commune[authority.commune_id] = authority
            elif authority.intercommunality_id:
                by_ic[authority.intercommunality_id] = authority
            else:
                by_departement[authority.departement_id] = authority
        places = []
        for commune in communes:
            place = cls(commune, commune, ics[commune.pk], departements.get(commune.departement_id))
            place.by_commune = by_commune.get(commune.pk)
            place.by_intercommunality = {
                ic.pk: by_ic[ic.pk] for ic in place.intercommunalities if ic.pk in by_ic
            }
            place.by_departement = by_departement.get(commune.departement_id)
            places.append(place)
        return places

    @property
    def commune_pks(self) -> set[int]:
        return {self.commune.pk, self.seat.pk}

    @property
    def authority_pks(self) -> set[int]:
        found = [self.by_commune, self.by_departement, *self.by_intercommunality.values()]
        return {a.pk for a in found if a is not None}

    @property
    def intercommunality(self) -> Intercommunality | None:
        """The intercommunality competent by default: the EPT in Grand Paris (see module doc)."""
        for kind in (Intercommunality.Kind.EPT, None):
            for ic in self.intercommunalities:
                if kind is None or ic.kind == kind:
                    return ic
        return None

    def default(self, level: str) -> tuple[Authority | None, str]:
        """The authority the level designates, and how to name it when it is not on the platform."""
        if level == Level.COMMUNAL:
            return self.by_commune, f"la commune {of(self.seat.name)}"
        if level == Level.INTERCOMMUNAL:
            ic = self.intercommunality
            if ic is None:
                return None, ""
            return self.by_intercommunality.get(ic.pk), ic.name
        if self.departement is None:
            return None, ""
        return self.by_departement, f"le département {self.departement}"

    def resolve(
        self,
        service: Service,
        assignments: list[CompetenceAssignment],
        *,
        owner_id: int | None = None,
        offered_here: bool = True,
    ) -> Competence:
        """`owner_id`: the authority that designed the service (ADR 0031, 0035), offered only
        where it holds the competence (the level designates it, or a transfer or a delegation
        gives it the service); `offered_here` False: it chose other communes."""
        default, label = self.default(service.level)
        if default is None:
            return Competence(None, self._unknown(service, label))
        chain = self.chain(default, assignments)
        current, applied = chain[-1]
        delegation = next(
            (
                a
                for a in assignments
                if a.kind == CompetenceAssignment.Kind.DELEGATION
                and a.granting_authority_id == current.pk
            ),
            None,
        )
        if owner_id is not None:
            holders = [authority for authority, _ in chain]
            if delegation is not None:
                holders.append(delegation.receiving_authority)
            owner = next((a for a in holders if a.pk == owner_id), None)
            if owner is None:
                return Competence(
                    None,
                    f"Ce service est celui d'une autre collectivité : il n'est pas proposé en "
                    f"ligne à {self.commune.name}.",
                )
            if not offered_here:
                return Competence(
                    None,
                    f"{owner.name} ne propose pas ce service à {self.commune.name} : "
                    f"adressez-vous à votre mairie.",
                )
        via: Via = "transfer" if applied is not None else "default"
        if delegation is not None:
            operator = delegation.receiving_authority
            if not operator.is_active:
                return self._offline(operator, default, via="delegation", acts_for=current)
            reason = (
                f"À {self.commune.name}, ce service est assuré par {operator.name} "
                f"pour le compte de {current.name} (délégation de service public"
                f"{_reference(delegation)})."
            )
            return Competence(operator, reason, "delegation", default, acts_for=current)
        if not current.is_active:
            return self._offline(current, default, via=via)
        if applied is not None:
            reason = (
                f"À {self.commune.name}, ce service relève de {current.name} : compétence "
                f"transférée par {applied.granting_authority.name}{_reference(applied)}."
            )
        else:
            reason = (
                f"À {self.commune.name}, ce service relève de {current.name} "
                f"({LEVEL_LABELS[service.level]})."
            )
        return Competence(current, reason, via, default)

    @staticmethod
    def chain(
        default: Authority, assignments: list[CompetenceAssignment]
    ) -> list[tuple[Authority, CompetenceAssignment | None]]:
        """The default authority then each one a transfer moved the competence to, with the
        transfer; transfers chain (commune → EPT → MGP) whatever order they were recorded in."""
        chain: list[tuple[Authority, CompetenceAssignment | None]] = [(default, None)]
        pending = [a for a in assignments if a.kind == CompetenceAssignment.Kind.TRANSFER]
        while moved := next(
            (a for a in pending if a.granting_authority_id == chain[-1][0].pk), None
        ):
            pending.remove(moved)
            chain.append((moved.receiving_authority, moved))
        return chain

    def _unknown(self, service: Service, label: str) -> str:
        if not label:
            tier = (
                "Aucune intercommunalité n'est connue"
                if service.level == Level.INTERCOMMUNAL
                else "Aucun département n'est connu"
            )
            return f"{tier} pour {self.commune.name} : ce service n'y est pas proposé en ligne."
        return _not_online(label, self.commune)

    def _offline(
        self, authority: Authority, default: Authority, *, via: Via, acts_for=None
    ) -> Competence:
        reason = _not_online(authority.name, self.commune)
        return Competence(None, reason, via, default, acts_for=acts_for)


def of(name: str) -> str:
    """French "de" before a place name: "d'Issy", "du Mans", "des Ulis", "de Sceaux"."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name[:1].lower() in "aeiouyàâäéèêëîïôöùûüœ":
        return f"d'{name}"
    return f"de {name}"


def _not_online(label: str, commune: Commune) -> str:
    return (
        f"Ce service n'est pas encore proposé en ligne par {label}, collectivité compétente "
        f"pour {commune.name}. Adressez-vous directement à elle."
    )


def _reference(assignment: CompetenceAssignment) -> str:
    return f", {assignment.note}" if assignment.note else ""


def _in_force(assignment: CompetenceAssignment, on: dt.date) -> bool:
    return (assignment.starts_on is None or assignment.starts_on <= on) and (
        assignment.ends_on is None or assignment.ends_on >= on
    )


def _assignments(
    place: _Place, on: dt.date | None, *, services: Iterable[int] | None
) -> dict[int, list[CompetenceAssignment]]:
    """The assignments in force on `on` (None: at any date) that may apply at `place`, by
    service, in order.

    Transfers only go to an authority covering the commune and only operators receive
    delegations, so every applicable assignment is granted by an authority of the place.
    """
    through = CompetenceAssignment.communes.through
    listed = through.objects.filter(competenceassignment_id=OuterRef("pk"))
    rows = (
        CompetenceAssignment.objects.filter(granting_authority__in=place.authority_pks)
        .filter(~Exists(listed) | Exists(listed.filter(commune_id__in=place.commune_pks)))
        .select_related("granting_authority", "receiving_authority")
        .order_by(F("starts_on").asc(nulls_first=True), "pk")
    )
    if on is not None:
        rows = rows.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
    if services is not None:
        rows = rows.filter(service__in=list(services))
    by_service: dict[int, list[CompetenceAssignment]] = defaultdict(list)
    for row in rows:
        by_service[row.service_id].append(row)
    return by_service
