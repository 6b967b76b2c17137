"""Every write on authorities, teams, agents and the competence map.

Each function runs in one transaction and appends exactly one event to the journal.
Invalid input raises `django.core.exceptions.ValidationError` with a French message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from stdnum.fr import siren as siren_number

from guichet.authorities import events, rules
from guichet.authorities.competence import today_in_paris
from guichet.authorities.models import (
    AgentMembership,
    Authority,
    CompetenceAssignment,
    Role,
    Team,
)
from guichet.catalogue.models import Service
from guichet.core import journal
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.territory.models import Commune, Departement, Intercommunality

DEFAULT_TEAM_NAME = "Accueil et orientation"
BRANDING_FIELDS = {"brand_color", "logo_url", "contact_email", "contact_phone", "website"}


@transaction.atomic
def create_authority(
    *,
    actor: Actor,
    kind: str,
    name: str,
    slug: str,
    commune: Commune | None = None,
    intercommunality: Intercommunality | None = None,
    departement: Departement | None = None,
    operator_sector: str = "",
    siren: str = "",
    **branding: str,
) -> Authority:
    """Put an authority on the platform, with its default team "Accueil et orientation".

    The territory link must match `kind` (none for an operator); the SIREN comes from the
    territory row when it has one, else from `siren`.
    """
    if unknown := set(branding) - BRANDING_FIELDS:
        raise TypeError(f"unknown branding fields: {sorted(unknown)}")
    rules.check_territory_link(
        kind, commune=commune, intercommunality=intercommunality, departement=departement
    )
    if territory_row := commune or intercommunality or departement:
        link = {type(territory_row).__name__.lower(): territory_row}
        if existing := Authority.objects.filter(**link).first():
            raise ValidationError(f"{territory_row} est déjà sur la plateforme : {existing.name}.")
    if kind == Authority.Kind.OPERATOR and not operator_sector:
        raise ValidationError("Indiquez le secteur délégué à l'opérateur (eau, déchets…).")
    siren = siren.strip()
    if siren and not siren_number.is_valid(siren):
        raise ValidationError(f"Le numéro SIREN {siren} n'est pas valide.")
    # The official map's number wins over the one typed in.
    siren = getattr(commune or intercommunality, "siren", "") or siren
    authority = Authority(
        kind=kind,
        name=name,
        slug=slug,
        siren=siren,
        commune=commune,
        intercommunality=intercommunality,
        departement=departement,
        operator_sector=operator_sector if kind == Authority.Kind.OPERATOR else "",
        **branding,
    )
    authority.full_clean()
    authority.save()
    Team.objects.create(
        authority=authority,
        slug=slugify(DEFAULT_TEAM_NAME),
        name=DEFAULT_TEAM_NAME,
        is_default=True,
    )
    journal.append(
        kind=events.AUTHORITY_CREATED,
        actor=actor,
        authority_id=authority.pk,
        subject=authority,
        payload={"kind": kind, "name": name, "slug": slug, "siren": siren},
    )
    return authority


@transaction.atomic
def create_team(
    *, actor: Actor, authority: Authority, name: str, slug: str = "", is_default: bool = False
) -> Team:
    """Add a team to `authority`; a new default team takes over from the previous one."""
    team = Team(authority=authority, name=name, slug=slug or slugify(name), is_default=is_default)
    team.full_clean(validate_constraints=False)
    if Team.objects.filter(authority=authority, slug=team.slug).exists():
        raise ValidationError(f"{authority.name} a déjà une équipe « {team.slug} ».")
    if is_default:
        authority.teams.filter(is_default=True).update(is_default=False)
    team.save()
    journal.append(
        kind=events.TEAM_CREATED,
        actor=actor,
        authority_id=authority.pk,
        subject=team,
        payload={"name": name, "slug": team.slug, "is_default": is_default},
    )
    return team


@transaction.atomic
def add_agent(
    *, actor: Actor, user, authority: Authority, role: str, teams: Iterable[Team] = ()
) -> AgentMembership:
    """Attach `user` to `authority` with `role`, in some of its teams."""
    teams = _role_and_teams(role, teams, authority)
    if AgentMembership.objects.filter(user=user, authority=authority).exists():
        raise ValidationError(f"{user} est déjà rattaché(e) à {authority.name}.")
    membership = AgentMembership.objects.create(user=user, authority=authority, role=role)
    membership.teams.set(teams)
    journal.append(
        kind=events.AGENT_ADDED,
        actor=actor,
        authority_id=authority.pk,
        subject=membership,
        payload={"user": user.pk, "role": role, "teams": [t.pk for t in teams]},
    )
    return membership


@transaction.atomic
def record_transfer(
    *,
    actor: Actor,
    service: Service,
    granting_authority: Authority,
    receiving_authority: Authority,
    communes: Iterable[Commune] = (),
    starts_on: dt.date | None = None,
    note: str = "",
) -> CompetenceAssignment:
    """Record that `granting_authority` transferred `service` to a higher tier.

    `communes` empty: for every commune where the granting authority is competent.
    """
    communes = list(communes)
    rules.check_transfer(
        service=service,
        granting=granting_authority,
        receiving=receiving_authority,
        communes=communes,
        starts_on=starts_on,
    )
    return _record(
        events.COMPETENCE_TRANSFERRED,
        actor=actor,
        kind=CompetenceAssignment.Kind.TRANSFER,
        service=service,
        granting_authority=granting_authority,
        receiving_authority=receiving_authority,
        communes=communes,
        starts_on=starts_on,
        ends_on=None,
        note=note,
    )


@transaction.atomic
def record_delegation(
    *,
    actor: Actor,
    service: Service,
    granting_authority: Authority,
    receiving_authority: Authority,
    communes: Iterable[Commune] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    note: str = "",
) -> CompetenceAssignment:
    """Record that an operator delivers `service` for `granting_authority` (a contract)."""
    communes = list(communes)
    rules.check_delegation(
        service=service,
        granting=granting_authority,
        receiving=receiving_authority,
        communes=communes,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    return _record(
        events.COMPETENCE_DELEGATED,
        actor=actor,
        kind=CompetenceAssignment.Kind.DELEGATION,
        service=service,
        granting_authority=granting_authority,
        receiving_authority=receiving_authority,
        communes=communes,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
    )


@transaction.atomic
def end_assignment(
    *, actor: Actor, assignment: CompetenceAssignment, ends_on: dt.date | None = None
) -> CompetenceAssignment:
    """End a transfer or delegation on `ends_on` (inclusive; default today in Paris)."""
    assignment = CompetenceAssignment.objects.select_for_update().get(pk=assignment.pk)
    ends_on = ends_on or today_in_paris()
    if assignment.ends_on is not None and assignment.ends_on < ends_on:
        raise ValidationError(
            f"Cette attribution a déjà pris fin le {assignment.ends_on:%d/%m/%Y}."
        )
    rules.check_dates(assignment.starts_on, ends_on)
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    journal.append(
        kind=events.COMPETENCE_ASSIGNMENT_ENDED,
        actor=actor,
        authority_id=assignment.granting_authority_id,
        subject=assignment,
        payload={"ends_on": ends_on.isoformat()},
    )
    return assignment


def _record(
    event_kind: str, *, actor: Actor, communes: list[Commune], **fields
) -> CompetenceAssignment:
    assignment = CompetenceAssignment.objects.create(**fields)
    assignment.communes.set(communes)
    journal.append(
        kind=event_kind,
        actor=actor,
        authority_id=assignment.granting_authority_id,
        subject=assignment,
        payload={
            "service": assignment.service.slug,
            "granting": assignment.granting_authority_id,
            "receiving": assignment.receiving_authority_id,
            "communes": [c.code for c in communes],
            "starts_on": assignment.starts_on.isoformat() if assignment.starts_on else None,
            "ends_on": assignment.ends_on.isoformat() if assignment.ends_on else None,
            "note": assignment.note,
        },
    )
    return assignment


# What an administrator may change on an authority once it is on the platform: its kind, its
# territory row, its slug (in URLs) and its SIREN (from the official map) stay as created.
AUTHORITY_EDITABLE_FIELDS = ("name", "operator_sector", "is_active", *sorted(BRANDING_FIELDS))


@transaction.atomic
def change_authority(*, actor: Actor, authority: Authority, **changes) -> Authority:
    """Apply `changes` (among AUTHORITY_EDITABLE_FIELDS) to `authority`, check and save it."""
    if unknown := set(changes) - set(AUTHORITY_EDITABLE_FIELDS):
        raise TypeError(f"fields not editable: {sorted(unknown)}")
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    for name, value in changes.items():
        setattr(authority, name, value)
    if authority.kind != Authority.Kind.OPERATOR:
        authority.operator_sector = ""
    elif not authority.operator_sector:
        raise ValidationError("Indiquez le secteur délégué à l'opérateur (eau, déchets…).")
    if not authority.name.strip():
        raise ValidationError("Indiquez le nom de la collectivité.")
    authority.full_clean()
    authority.save()
    journal.append(
        kind=events.AUTHORITY_CHANGED,
        actor=actor,
        authority_id=authority.pk,
        subject=authority,
        payload={"changed": {name: getattr(authority, name) for name in sorted(changes)}},
    )
    return authority


def check_team_change(team: Team, *, is_default: bool) -> None:
    """The default-team rule: an authority always keeps exactly one default team."""
    if team.pk is not None and team.is_default and not is_default:
        raise ValidationError(
            f"« {team.name} » est l'équipe par défaut de {team.authority.name} : désignez-en "
            "une autre comme équipe par défaut, elle prendra le relais."
        )


@transaction.atomic
def change_team(
    *, actor: Actor, team: Team, name: str | None = None, is_default: bool | None = None
) -> Team:
    """Rename `team` or make it the default one (the previous default team stops being it).

    A default team cannot simply stop being the default: another one takes over instead.
    """
    team = Team.objects.select_for_update().select_related("authority").get(pk=team.pk)
    changes: dict[str, object] = {}
    if name is not None and name.strip() != team.name:
        changes["name"] = team.name = name.strip()
    if is_default is not None and is_default != team.is_default:
        check_team_change(team, is_default=is_default)
        changes["is_default"] = is_default
        # the previous default gives way first: one default team per authority, always
        team.authority.teams.filter(is_default=True).exclude(pk=team.pk).update(is_default=False)
        team.is_default = is_default
    team.full_clean(validate_constraints=False)
    team.save()
    journal.append(
        kind=events.TEAM_CHANGED,
        actor=actor,
        authority_id=team.authority_id,
        subject=team,
        payload={"slug": team.slug, "changed": changes},
    )
    return team


@transaction.atomic
def change_agent(
    *, actor: Actor, membership: AgentMembership, role: str, teams: Iterable[Team] = ()
) -> AgentMembership:
    """Give an agent another role or other teams within the same authority."""
    membership = AgentMembership.objects.select_for_update().get(pk=membership.pk)
    teams = _role_and_teams(role, teams, membership.authority)
    membership.role = role
    membership.save(update_fields=["role"])
    membership.teams.set(teams)
    journal.append(
        kind=events.AGENT_CHANGED,
        actor=actor,
        authority_id=membership.authority_id,
        subject=membership,
        payload={"user": membership.user_id, "role": role, "teams": [t.pk for t in teams]},
    )
    return membership


@transaction.atomic
def remove_agent(*, actor: Actor, membership: AgentMembership) -> None:
    """Detach an agent from an authority (the account and its history stay)."""
    membership = AgentMembership.objects.select_for_update().get(pk=membership.pk)
    journal.append(
        kind=events.AGENT_REMOVED,
        actor=actor,
        authority_id=membership.authority_id,
        subject=membership,
        payload={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()


def _role_and_teams(role: str, teams: Iterable[Team], authority: Authority) -> list[Team]:
    """The teams of an agent given `role` in `authority`; refuses a role or team not its own."""
    if role not in Role.values:
        raise ValidationError(f"Rôle inconnu : {role}.")
    teams = list(teams)
    if strangers := [t.name for t in teams if t.authority_id != authority.pk]:
        raise ValidationError(
            ngettext(
                "Équipe d'une autre collectivité",
                "Équipes d'une autre collectivité",
                len(strangers),
            )
            + f" que {authority.name} : {', '.join(strangers)}."
        )
    return teams
