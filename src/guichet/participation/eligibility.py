"""Who may act: the identity level an action asks for, and living or working in the scope.

    eligibility.check(person, consultation_or_authority, action)

raises `NotAllowed` with a French message saying what the person needs (a verified e-mail or
phone, a verified identity, an address in the territory, or a phase that opens the action);
it returns None when she may act. For a consultation the phase open now must open the action
(`participation.phases`); for an authority (petitions) there is no phase.

The level is the best verification among the person's identities (`people.Verification`:
declared < e-mail < SMS < counter < FranceConnect); each action asks for a `Level`
(`DEFAULT_LEVELS`, overridden per consultation by `Consultation.required_levels`).
Eligibility: the person's own commune (from her address) is in the scope, or she declared
(`Declaration`) she lives there, or works there when the consultation lets workers take part;
for an area, a declared point inside it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from guichet.authorities.models import Authority
from guichet.authorities.rules import covered_communes
from guichet.participation import moderation, phases
from guichet.participation.models.consultations import Consultation, Declaration, Level, Scope
from guichet.participation.phases import Action
from guichet.participation.selectors.consultations import current_phase
from guichet.people.models import Person, Verification
from guichet.territory.areas import area_contains

DEFAULT_LEVELS: dict[str, int] = {
    Action.PROPOSE: Level.CONTACT,
    Action.COMMENT: Level.CONTACT,
    Action.SUPPORT: Level.CONTACT,
    Action.AMEND: Level.CONTACT,
    Action.VOTE_STATEMENT: Level.CONTACT,
    Action.VOTE_SHORTLIST: Level.CONTACT,
    Action.SIGN: Level.CONTACT,
    Action.START_PETITION: Level.IDENTITY,
}

NEEDS = {
    Level.CONTACT: "une adresse électronique ou un numéro de téléphone vérifié par un code",
    Level.IDENTITY: "une identité vérifiée (FranceConnect ou vérification au guichet)",
}


class NotAllowed(PermissionError):
    """The person may not act; `message` (French) says what she needs, `needs` is one of
    "identity", "residence", "phase", "blocked"."""

    def __init__(self, message: str, *, needs: str) -> None:
        super().__init__(message)
        self.message = message
        self.needs = needs

    def __str__(self) -> str:
        return self.message


def person_level(person: Person) -> int:
    """The best verification among the person's identities (0 for an erased person)."""
    if person.is_erased:
        return Verification.DECLARED
    levels = [i.verification for i in person.identities.all()]
    return max(levels, default=Verification.DECLARED)


def required_level(target: Consultation | Authority, action: str) -> int:
    level = DEFAULT_LEVELS.get(action, Level.CONTACT)
    if isinstance(target, Consultation):
        configured = (target.required_levels or {}).get(action)
        if configured in Level.values:
            level = configured
    return int(level)


def check(
    person: Person | None,
    consultation_or_authority: Consultation | Authority,
    action: str,
    *,
    at: datetime | None = None,
) -> None:
    """Raise NotAllowed (French) unless `person` may do `action` now; see the module doc."""
    target = consultation_or_authority
    what = phases.action_label(action)
    if isinstance(target, Consultation):
        phase = current_phase(target, at)
        if phase is None or not phases.opens(phase.kind, action, phase.open_actions):
            raise NotAllowed(_closed_message(target, action, phase), needs="phase")
    needed = required_level(target, action)
    if person is None or person.is_erased:
        raise NotAllowed(
            f"Pour {what}, identifiez-vous : il faut {NEEDS.get(needed, NEEDS[Level.CONTACT])}.",
            needs="identity",
        )
    if person_level(person) < needed:
        raise NotAllowed(
            f"Pour {what}, il faut {NEEDS[Level(needed)]} : "
            "confirmez-la depuis cette page ou depuis « Mon compte ».",
            needs="identity",
        )
    if not lives_or_works_in(person, target):
        raise NotAllowed(_residence_message(target), needs="residence")
    authority = target.authority if isinstance(target, Consultation) else target
    if moderation.is_blocked(person, authority):
        raise NotAllowed(
            "Les modérateurs ont suspendu vos contributions sur cette collectivité.",
            needs="blocked",
        )


def may(person: Person | None, target: Consultation | Authority, action: str, **kw: Any) -> bool:
    """`check` as a boolean, for pages that show or hide a button."""
    try:
        check(person, target, action, **kw)
    except NotAllowed:
        return False
    return True


def scope_commune_ids(target: Consultation | Authority) -> set[int] | None:
    """The communes of the scope (None for an area, which is checked on a point)."""
    if isinstance(target, Authority):
        return set(covered_communes(target).values_list("pk", flat=True))
    if target.scope == Scope.AREA:
        return None
    if target.scope == Scope.COMMUNES:
        return set(target.communes.values_list("pk", flat=True))
    return set(covered_communes(target.authority).values_list("pk", flat=True))


def lives_or_works_in(person: Person, target: Consultation | Authority) -> bool:
    relations = [Declaration.Relation.LIVES]
    if not isinstance(target, Consultation) or target.workers_eligible:
        relations.append(Declaration.Relation.WORKS)
    declarations = list(Declaration.objects.filter(person=person, relation__in=relations))
    communes = scope_commune_ids(target)
    if communes is None:  # an area: a declared point inside it
        area = target.area  # type: ignore[union-attr]
        return area is not None and any(
            d.latitude is not None and area_contains(area, d.latitude, d.longitude)
            for d in declarations
        )
    if person.commune_id in communes:
        return True
    return any(d.commune_id in communes for d in declarations)


def scope_label(target: Consultation | Authority) -> str:
    if isinstance(target, Authority):
        return target.name
    if target.scope == Scope.AREA and target.area is not None:
        return f"le secteur « {target.area.name} »"
    if target.scope == Scope.COMMUNES:
        names = sorted(target.communes.values_list("name", flat=True))
        return ", ".join(names) or target.authority.name
    return target.authority.name


def _residence_message(target: Consultation | Authority) -> str:
    works = not isinstance(target, Consultation) or target.workers_eligible
    who = "habitent ou travaillent" if works else "habitent"
    return (
        f"Cette participation est réservée aux personnes qui {who} dans {scope_label(target)} : "
        "indiquez votre adresse"
        + (" ou celle de votre lieu de travail" if works else "")
        + " pour participer."
    )


def _closed_message(consultation: Consultation, action: str, phase) -> str:
    what = phases.action_label(action)
    if phase is None:
        return (
            f"La consultation « {consultation.title} » n'est pas ouverte en ce moment : "
            f"impossible de {what}."
        )
    return (
        f"L'étape « {phase.get_kind_display()} » de la consultation ne permet pas de {what}"
        f" (elle dure jusqu'au {_fr_date(phase.ends_at)})."
    )


def _fr_date(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y à H\\hi")
