"""Every write on consultations: the consultation, its phases and documents, residence
declarations, rounds, and attaching one-time participations to an account."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from guichet.authorities.models import Authority
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.participation import consensus, phases
from guichet.participation.models.consultations import (
    Consultation,
    Declaration,
    Document,
    Level,
    Phase,
    Round,
    Scope,
)
from guichet.participation.models.ideas import Comment, Idea, Support
from guichet.participation.refusals import Refused, clean_text
from guichet.people.models import Person
from guichet.territory.models import Area, Commune

CONSULTATION_SAVED = "participation.consultation-saved"
PHASES_SAVED = "participation.phases-saved"
DOCUMENT_ADDED = "participation.document-added"
RESIDENCE_DECLARED = "participation.residence-declared"
ROUND_CLOSED = "participation.round-closed"
PARTICIPATIONS_ATTACHED = "participation.participations-attached"


@transaction.atomic
def save_consultation(
    *,
    actor: Actor,
    authority: Authority,
    title: object,
    description: object = "",
    scope: object = Scope.AUTHORITY,
    communes: list[Commune] | None = None,
    area: Area | None = None,
    premoderation: bool = False,
    required_levels: dict[str, int] | None = None,
    workers_eligible: bool = True,
    categories: list[str] | None = None,
    published: bool = False,
    consultation: Consultation | None = None,
) -> Consultation:
    """Create (or edit) a consultation of `authority`; Refused (per field) on bad input."""
    errors: dict[str, list[str]] = {}
    try:
        title = clean_text(title, field="title", label="Titre", max_length=200)
    except Refused as refused:
        errors.update(refused.errors)
    try:
        description = clean_text(
            description, field="description", label="Présentation", max_length=20_000,
            required=False,
        )  # fmt: skip
    except Refused as refused:
        errors.update(refused.errors)
    if scope not in Scope.values:
        errors["scope"] = ["Choisissez un périmètre dans la liste."]
    elif scope == Scope.COMMUNES and not communes:
        errors["communes"] = ["Choisissez au moins une commune."]
    elif scope == Scope.AREA and area is None:
        errors["area"] = ["Choisissez un secteur dessiné sur la carte."]
    if area is not None and area.authority_id != authority.pk:
        errors["area"] = ["Ce secteur appartient à une autre collectivité."]
    levels = {}
    for action, level in (required_levels or {}).items():
        if action not in phases.CONSULTATION_ACTIONS or level not in Level.values:
            errors["required_levels"] = ["Niveau d'identité inconnu pour une action."]
            break
        levels[action] = int(level)
    cats = [c.strip()[:80] for c in (categories or []) if isinstance(c, str) and c.strip()]
    if errors:
        raise Refused(errors)
    created = consultation is None
    if created:
        consultation = Consultation(authority=authority, slug=_free_slug(authority, title))
    consultation.title = title
    consultation.description = description
    consultation.scope = scope
    consultation.area = area if scope == Scope.AREA else None
    consultation.premoderation = bool(premoderation)
    consultation.required_levels = levels
    consultation.workers_eligible = bool(workers_eligible)
    consultation.categories = cats
    consultation.published = bool(published)
    consultation.save()
    consultation.communes.set(communes if scope == Scope.COMMUNES else [])
    journal.append(
        kind=CONSULTATION_SAVED, actor=actor, authority_id=authority.pk, subject=consultation,
        payload={"created": created, "scope": scope, "published": consultation.published},
    )  # fmt: skip
    return consultation


@transaction.atomic
def save_phases(
    *, actor: Actor, consultation: Consultation, rows: list[dict[str, Any]]
) -> list[Phase]:
    """Replace the consultation's phases by `rows` ({kind, starts_at, ends_at, description});
    reversed dates, overlaps and a kind twice are refused per field (`phases-<i>-<field>`)."""
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[int, Phase]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        kind, starts, ends = row.get("kind"), row.get("starts_at"), row.get("ends_at")
        prefix = f"phases-{i}-"
        if kind not in phases.ORDER:
            errors[prefix + "kind"] = ["Choisissez une étape dans la liste."]
            continue
        if kind in seen:
            errors[prefix + "kind"] = ["Cette étape figure déjà plus haut."]
        seen[kind] = i
        if not isinstance(starts, datetime):
            errors[prefix + "starts_at"] = ["Indiquez une date de début valide."]
        if not isinstance(ends, datetime):
            errors[prefix + "ends_at"] = ["Indiquez une date de fin valide."]
        if not (isinstance(starts, datetime) and isinstance(ends, datetime)):
            continue
        if ends <= starts:
            errors[prefix + "ends_at"] = ["La fin doit être postérieure au début."]
            continue
        description = str(row.get("description") or "").strip()[:300]
        override = [a for a in row.get("open_actions") or [] if a in phases.CONSULTATION_ACTIONS]
        cleaned.append((i, Phase(consultation=consultation, kind=kind, starts_at=starts,
                                 ends_at=ends, description=description, open_actions=override)))  # fmt: skip
    ordered = sorted(cleaned, key=lambda item: item[1].starts_at)
    for (_, before), (j, after) in zip(ordered, ordered[1:], strict=False):
        if after.starts_at < before.ends_at:
            errors.setdefault(f"phases-{j}-starts_at", []).append(
                f"Cette étape chevauche l'étape « {before.get_kind_display()} » "
                f"(qui finit le {_fr(before.ends_at)})."
            )
    if not rows:
        errors[""] = ["Ajoutez au moins une étape."]
    if errors:
        raise Refused(errors)
    consultation.phases.all().delete()
    saved = Phase.objects.bulk_create([phase for _, phase in ordered])
    journal.append(
        kind=PHASES_SAVED, actor=actor, authority_id=consultation.authority_id,
        subject=consultation,
        payload={"phases": [[p.kind, p.starts_at.isoformat(), p.ends_at.isoformat()]
                            for p in saved]},
    )  # fmt: skip
    return saved


@transaction.atomic
def add_document(
    *, actor: Actor, consultation: Consultation, title: object, url: object = "", file=None
) -> Document:
    title = clean_text(title, field="title", label="Titre du document", max_length=200)
    url = clean_text(url, field="url", label="Lien", max_length=200, required=False)
    if url and not url.startswith(("https://", "http://")):
        raise Refused.field("url", "Lien : une adresse commençant par https:// est attendue.")
    if not url and file is None:
        raise Refused.field("url", "Indiquez un lien ou joignez un fichier.")
    document = Document.objects.create(consultation=consultation, title=title, url=url)
    if file is not None:
        document.file.save(file.name, file, save=True)
    journal.append(
        kind=DOCUMENT_ADDED, actor=actor, authority_id=consultation.authority_id,
        subject=document, payload={"consultation": consultation.pk},
    )  # fmt: skip
    return document


@transaction.atomic
def declare_residence(
    *,
    person: Person,
    relation: str,
    commune: Commune | None,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Declaration:
    """The person declares she lives or works at `commune` (and the point, when known)."""
    if relation not in Declaration.Relation.values:
        raise Refused.field("relation", "Indiquez si vous y habitez ou y travaillez.")
    if commune is None:
        raise Refused.field("address", "Adresse introuvable : précisez la commune.")
    for value in (latitude, longitude):
        if value is not None and not (isinstance(value, float) and math.isfinite(value)):
            raise Refused.field("address", "Coordonnées du point invalides.")
    declaration, _ = Declaration.objects.update_or_create(
        person=person, relation=relation, commune=commune,
        defaults={"address": address[:300], "latitude": latitude, "longitude": longitude},
    )  # fmt: skip
    journal.append(
        kind=RESIDENCE_DECLARED, actor=Actor.person(person), subject=declaration,
        payload={"relation": relation, "commune": commune.code},
    )  # fmt: skip
    return declaration


@transaction.atomic
def close_round(
    *, actor: Actor, consultation: Consultation, keep: object, groups: dict | None = None
) -> Round:
    """Keep the `keep` best open ideas by group-aware consensus, archive the others (their
    lineage stays). `groups` ({person: group}) defaults to the opinion map's."""
    try:
        keep = int(keep)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Refused.field("keep", "Indiquez un nombre d'idées à retenir.") from None
    if not 0 < keep < 10_000:
        raise Refused.field("keep", "Le nombre d'idées retenues doit être au moins 1.")
    # Lock the consultation: two organisers closing at once make two rounds in turn.
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    open_ideas = list(
        Idea.objects.filter(consultation=consultation, state=Idea.State.PUBLISHED).order_by("pk")
    )
    if not open_ideas:
        raise Refused.field("keep", "Aucune idée ouverte à départager.")
    backers: dict[int, set[int]] = {idea.pk: set() for idea in open_ideas}
    for idea_id, person_id in Support.objects.filter(idea__in=open_ideas).values_list(
        "idea_id", "person_id"
    ):
        backers[idea_id].add(person_id)
    groups = consensus.opinion_groups(consultation) if groups is None else groups
    scored = consensus.scores(backers, groups)
    kept = set(consensus.top(scored, keep))
    number = (consultation.rounds.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1  # fmt: skip
    ranking = [{"idea": pk, "score": round(scored[pk], 8), "kept": pk in kept}
               for pk in sorted(scored, key=lambda pk: (-scored[pk], pk))]  # fmt: skip
    selection = Round.objects.create(
        consultation=consultation, number=number, keep=keep, closed_at=clock.now(),
        closed_by=actor.label[:150], ranking=ranking,
    )  # fmt: skip
    Idea.objects.filter(pk__in=[i.pk for i in open_ideas if i.pk not in kept]).update(
        state=Idea.State.ARCHIVED, archived_in=selection
    )
    journal.append(
        kind=ROUND_CLOSED, actor=actor, authority_id=consultation.authority_id, subject=selection,
        payload={"consultation": consultation.pk, "keep": keep, "kept": sorted(kept),
                 "groups": len(set(groups.values())) or 1},
    )  # fmt: skip
    return selection


@transaction.atomic
def attach_participations(*, from_person: Person, to_person: Person) -> int:
    """Move a one-time participant's ideas, comments and supports to the account she signed
    in with (a support both gave stays once); the number of rows moved."""
    if from_person.pk == to_person.pk:
        return 0
    moved = Idea.objects.filter(author=from_person).update(author=to_person)
    moved += Comment.objects.filter(author=from_person).update(author=to_person)
    both = Support.objects.filter(person=to_person).values("idea_id")
    duplicates = Support.objects.filter(person=from_person, idea_id__in=both)
    for support in duplicates.select_related("idea"):
        Idea.objects.filter(pk=support.idea_id).update(supports_count=_minus_one())
    duplicates.delete()
    moved += Support.objects.filter(person=from_person).update(person=to_person)
    moved += (
        Declaration.objects.filter(person=from_person)
        .exclude(commune__in=Declaration.objects.filter(person=to_person).values("commune"))
        .update(person=to_person)
    )
    journal.append(
        kind=PARTICIPATIONS_ATTACHED, actor=Actor.person(to_person),
        payload={"from_person": from_person.pk, "moved": moved},
    )  # fmt: skip
    return moved


def _minus_one():
    return F("supports_count") - 1


def _free_slug(authority: Authority, title: str) -> str:
    base = slugify(title)[:70] or "consultation"
    slug, n = base, 1
    while Consultation.objects.filter(authority=authority, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _fr(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y à H\\hi")
