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
from guichet.territory.models import Commune, Departement, Intercommunality

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
        owner = (
            OwnedService.objects.filter(service_id=service.pk)
            .values_list("authority_id", flat=True)
            .first()
        )
        assignments = _assignments(place, None, services=[service.pk]).get(service.pk, [])
        return _Answers(place, assignments, owner)

    answers = refcache.get(("who_handles", service.pk, commune.pk), load)
    last_on, last = answers.last
    if last_on == on and last is not None:
        return last
    competence = answers.place.resolve(
        service, [a for a in answers.assignments if _in_force(a, on)], owner_id=answers.owner_id
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
    services = list(
        Service.objects.filter(is_active=True)
        .select_related("category")
        .annotate(designed_by=F("owner__authority_id"))  # the same query: a left join
    )
    assignments = _assignments(place, on, services=None)
    return [
        (
            service,
            place.resolve(
                service,
                assignments.get(service.pk, []),
                owner_id=service.designed_by,  # type: ignore[attr-defined]
            ),
        )
        for service in services
    ]


def services_at(commune: Commune, *, on: dt.date | None = None) -> list[tuple[Service, Competence]]:
    """The published services offered online to people living in `commune`."""
    return [(service, c) for service, c in competence_map(commune, on=on) if c.available]


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
    ) -> Competence:
        """`owner_id`: the authority that designed the service (ADR 0031), offered only where
        it is the one the level designates."""
        default, label = self.default(service.level)
        if default is None:
            return Competence(None, self._unknown(service, label))
        if owner_id is not None and default.pk != owner_id:
            return Competence(
                None,
                f"Ce service est celui d'une autre collectivité : il n'est pas proposé en ligne "
                f"à {self.commune.name}.",
            )
        current, via = default, "default"
        applied: CompetenceAssignment | None = None
        pending = [a for a in assignments if a.kind == CompetenceAssignment.Kind.TRANSFER]
        # Transfers chain (commune → EPT → MGP) whatever order they were recorded in.
        while moved := next((a for a in pending if a.granting_authority_id == current.pk), None):
            pending.remove(moved)
            current, via, applied = moved.receiving_authority, "transfer", moved
        delegation = next(
            (
                a
                for a in assignments
                if a.kind == CompetenceAssignment.Kind.DELEGATION
                and a.granting_authority_id == current.pk
            ),
            None,
        )
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
