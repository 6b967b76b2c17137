"""The requests' part of the register of processing (`people.rights.register`): one processing
per service that takes requests, its data categories read from its form's field types, its
recipients from the competence map (the default tier, transfers and delegations in force)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Q

from guichet.authorities.competence import today_in_paris
from guichet.authorities.models import AgentMembership, Authority, CompetenceAssignment
from guichet.catalogue.formdef import InvalidFormDefinition
from guichet.catalogue.models import Level, Service
from guichet.core.plurals import ngettext
from guichet.people.rights import register

# What a field of each type may hold about the person, in the register's words.
FIELD_DATA = {
    "email": "coordonnées (adresse électronique, téléphone)",
    "phone": "coordonnées (adresse électronique, téléphone)",
    "address": "adresse et localisation",
    "location": "adresse et localisation",
    "file": "pièces jointes (justificatifs, photos)",
    "short_text": "texte libre (peut contenir des données personnelles)",
    "long_text": "texte libre (peut contenir des données personnelles)",
    "date": "dates déclarées (dont, selon la démarche, la date de naissance)",
    "number": "réponses au formulaire de la démarche",
    "choice": "réponses au formulaire de la démarche",
    "multiple_choice": "réponses au formulaire de la démarche",
    "checkbox": "réponses au formulaire de la démarche",
}
ALWAYS = (
    "identité (nom, prénom)",
    "coordonnées (adresse électronique, téléphone)",
    "historique de la demande (échanges, états, canal de dépôt)",
)
LEVEL_KIND = {
    Level.COMMUNAL: Authority.Kind.COMMUNE,
    Level.INTERCOMMUNAL: Authority.Kind.INTERCOMMUNALITY,
    Level.DEPARTMENTAL: Authority.Kind.DEPARTEMENT,
}


def data_categories(service: Service) -> tuple[str, ...]:
    """The categories of personal data a request for `service` holds: the person's identity
    and contact, then what its form's field types may carry (in the form's order)."""
    try:
        types = [f.type for f in service.form.fields]
    except (InvalidFormDefinition, AttributeError):
        raw = service.form_definition if isinstance(service.form_definition, list) else []
        types = [f.get("type", "") for f in raw if isinstance(f, dict)]
    found = list(ALWAYS)
    for kind in types:
        label = FIELD_DATA.get(kind)
        if label and label not in found:
            found.append(label)
    return tuple(found)


def competent_authorities(services: list[Service]) -> dict[int, list[tuple[Authority, str]]]:
    """Per service, the authorities that receive its requests somewhere today, with how
    (« » by default, « par transfert », « délégataire »). Four queries in all."""
    today = today_in_paris()
    by_kind: dict[str, list[Authority]] = defaultdict(list)
    for authority in Authority.objects.filter(is_active=True).order_by("name"):
        by_kind[authority.kind].append(authority)
    in_force = (
        CompetenceAssignment.objects.filter(service__in=services)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("receiving_authority")
        .prefetch_related("communes")
    )
    assignments: dict[int, list[CompetenceAssignment]] = defaultdict(list)
    for assignment in in_force:
        assignments[assignment.service_id].append(assignment)
    found: dict[int, list[tuple[Authority, str]]] = {}
    for service in services:
        # A transfer of every commune takes the competence away from the granting authority.
        gone = {
            a.granting_authority_id
            for a in assignments[service.pk]
            if a.kind == CompetenceAssignment.Kind.TRANSFER and not a.communes.all()
        }
        kind = LEVEL_KIND.get(Level(service.level)) if service.level in Level.values else None
        holders = [(a, "") for a in by_kind.get(kind or "", []) if a.pk not in gone]
        for a in assignments[service.pk]:
            how = (
                "délégataire" if a.kind == CompetenceAssignment.Kind.DELEGATION else "par transfert"
            )
            if a.receiving_authority.is_active:
                holders.append((a.receiving_authority, how))
        unique: dict[int, tuple[Authority, str]] = {}
        for authority, how in holders:
            unique.setdefault(authority.pk, (authority, how))
        found[service.pk] = list(unique.values())
    return found


def _recipients(holders: list[tuple[Authority, str]]) -> tuple[str, ...]:
    if not holders:
        return ("aucune collectivité ne reçoit encore ces demandes sur la plateforme",)
    names = ", ".join(f"{a.name}" + (f" ({how})" if how else "") for a, how in holders)
    return (
        f"agents des collectivités compétentes, chacun pour les demandes de sa collectivité : {names}",
        "une autre collectivité seulement si la demande lui est transmise",
    )


def _staff(holders: list[tuple[Authority, str]], agents: Counter[int]) -> tuple[str, ...]:
    return tuple(
        f"{a.name} : {agents.get(a.pk, 0)} "
        + ngettext("agent habilité", "agents habilités", agents.get(a.pk, 0))
        for a, _ in holders
    )


def _requests() -> list[register.Processing]:
    services = list(
        Service.objects.filter(is_active=True)
        .exclude(kind=Service.Kind.INFORMATIONAL)
        .select_related("category")
        .order_by("category__position", "name")
    )
    holders = competent_authorities(services)
    agents = Counter(
        AgentMembership.objects.filter(user__is_active=True).values_list("authority_id", flat=True)
    )
    rows = []
    for service in services:
        days = register.retention_days(service.retention_days)
        rows.append(
            register.Processing(
                group="Relation usager : demandes",
                name=service.name,
                category=service.category.name,
                purpose=f"Recevoir, instruire et suivre les demandes « {service.name} », "
                "en informer l'usager.",
                legal_basis=register.PUBLIC_MISSION,
                subjects=("usagers qui déposent une demande", "personnes qu'ils désignent"),
                data=data_categories(service),
                recipients=_recipients(holders.get(service.pk, [])),
                staff=_staff(holders.get(service.pk, []), agents),
                retention=f"{register.duration(days)} après la clôture de la demande, "
                "puis anonymisation (la demande reste pour les statistiques)",
                retention_days=days,
                security=register.COMMON_SECURITY,
            )
        )
    return rows


register.contribute("requests", _requests)
