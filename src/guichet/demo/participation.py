"""The demo's Sceaux-like consultation (issue 17, P1, ADR 0040): « Sceaux 2030 ».

About 1,400 participants and 169 proposals, as in the consultation the articles describe.
A representative part goes through the actions (the first proposals, comments, supports, a
child idea of each kind, three merges accepted by their authors, official answers and a
milestone), so the journal and the notification outbox read like real use; the bulk of the
participants, proposals and supports is inserted in bulk (like an import), then the counts
are recomputed from the rows in one statement. Idempotent: a second run keeps the first.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from guichet.authorities.models import Authority
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.participation.actions import consultations as cact
from guichet.participation.actions import ideas as act
from guichet.participation.models.consultations import Consultation
from guichet.participation.models.ideas import Idea, Support
from guichet.people.models import Identity, Person, Verification

ACTOR = Actor.system("démonstration")
TITLE = "Sceaux 2030 : vos idées pour la ville"
SLUG = "sceaux-2030-vos-idees-pour-la-ville"  # the slug save_consultation gives TITLE
PARTICIPANTS = 1400
PROPOSALS = 169
CATEGORIES = ["Mobilités", "Nature en ville", "Vie des quartiers", "Jeunesse", "Culture"]
THEMES = {
    "Mobilités": ["une piste cyclable rue Houdan", "des arceaux vélos à la gare",
                  "une navette vers Robinson", "des rues scolaires", "le stationnement résidentiel"],
    "Nature en ville": ["des arbres avenue de la Gare", "un jardin partagé aux Blagis",
                        "des fontaines à boire", "un verger municipal", "des toitures végétales"],
    "Vie des quartiers": ["des bancs place du Général-de-Gaulle", "une boîte à livres",
                          "une fête des voisins", "un marché le soir", "des toilettes publiques"],
    "Jeunesse": ["un skatepark", "un conseil des jeunes", "des terrains de basket ouverts",
                 "un lieu pour réviser", "des stages d'été"],
    "Culture": ["un festival au jardin de la Ménagerie", "des concerts au parc",
                "une fresque participative", "des lectures dans les parcs", "un cinéma en plein air"],
}  # fmt: skip
OPENINGS = ["Créer", "Installer", "Développer", "Imaginer", "Tester"]


@dataclass
class ParticipationReport:
    participants: int = 0
    ideas: int = 0
    supports: int = 0
    merges: int = 0
    seconds: float = 0.0


def build_participation(seed: int = 2026) -> ParticipationReport:
    """The consultation in Sceaux, if the demo has Sceaux and does not have it yet."""
    started = time.monotonic()
    report = ParticipationReport()
    sceaux = Authority.objects.filter(slug="sceaux").select_related("commune").first()
    if sceaux is None or sceaux.commune_id is None:
        return report
    if Consultation.objects.filter(authority=sceaux, slug=SLUG).exists():
        return report
    with transaction.atomic(), journal.replaying():
        _build(sceaux, random.Random(seed), report)  # noqa: S311 - demo data
    report.seconds = time.monotonic() - started
    return report


def _build(sceaux: Authority, rng: random.Random, report: ParticipationReport) -> None:
    consultation = cact.save_consultation(
        actor=ACTOR, authority=sceaux, title=TITLE,
        description="La ville prépare son projet pour 2030. Proposez vos idées, soutenez "
        "celles des autres, rapprochez les idées proches : les plus partagées entre les "
        "habitants de tous horizons seront étudiées par le conseil municipal.",
        published=True, categories=CATEGORIES,
    )  # fmt: skip
    now = clock.now()
    day = timedelta(days=1)
    cact.save_phases(actor=ACTOR, consultation=consultation, rows=[
        {"kind": "information", "starts_at": now - 40 * day, "ends_at": now - 30 * day,
         "description": "Réunions publiques et diagnostic partagé."},
        {"kind": "contributions", "starts_at": now - 30 * day, "ends_at": now + 15 * day,
         "description": "Chacun propose, commente, soutient et rapproche les idées."},
        {"kind": "deliberation", "starts_at": now + 15 * day, "ends_at": now + 30 * day},
        {"kind": "vote", "starts_at": now + 30 * day, "ends_at": now + 45 * day},
        {"kind": "results", "starts_at": now + 45 * day, "ends_at": now + 400 * day},
    ])  # fmt: skip
    participants = _participants(sceaux, rng)
    report.participants = len(participants)
    titles = _titles(rng)
    # The first proposals, comments and supports through the actions.
    first = []
    for i, (category, title) in enumerate(titles[:24]):
        first.append(act.propose_idea(
            consultation=consultation, person=participants[i], title=title, category=category,
            text=f"{title} : une proposition d'habitant pour {category.lower()}.",
        ))  # fmt: skip
    for idea in first[:12]:
        for person in rng.sample(participants[30:200], 6):
            act.support_idea(idea=idea, person=person)
        comment = act.comment_idea(idea=idea, person=participants[40], text="Très bonne idée !")
        act.comment_idea(idea=idea, person=idea.author, text="Merci !", parent=comment)
    kinds = ("expand", "counter", "adapt", "explore")
    for kind, parent, author in zip(kinds, first[12:16], participants[300:304], strict=True):
        act.propose_idea(consultation=consultation, person=author, parent=parent, link_kind=kind,
                         title=f"{parent.title} (variante)", text="Une idée dérivée de la première.",
                         category=parent.category)  # fmt: skip
    # Three merges, accepted by every author (two ideas each, proposed by a third person).
    for n, (a, b) in enumerate(((first[0], first[1]), (first[2], first[3]), (first[4], first[5]))):
        merge = act.propose_merge(person=participants[500 + n], ideas=[a, b],
                                  title=f"{a.title} et {b.title.lower()}",
                                  text="Deux idées proches réunies en une.")  # fmt: skip
        for author in {a.author_id: a.author, b.author_id: b.author}.values():
            act.answer_merge(merge=merge, person=author, accept=True)
        report.merges += 1
    # The rest of the 169 proposals in bulk.
    made = Idea.objects.filter(consultation=consultation).count()
    bulk = [
        Idea(consultation=consultation, author=participants[(60 + i * 7) % len(participants)],
             title=title, category=category, text=f"{title}, pour que Sceaux change en 2030.")
        for i, (category, title) in enumerate(titles[24 : 24 + PROPOSALS - made])
    ]  # fmt: skip
    Idea.objects.bulk_create(bulk)
    open_ideas = list(Idea.objects.filter(consultation=consultation, state=Idea.State.PUBLISHED))
    existing = set(Support.objects.filter(idea__in=open_ideas).values_list("idea_id", "person_id"))
    rows = []
    for person in participants:
        for idea in rng.sample(open_ideas, rng.randint(1, 6)):
            if (idea.pk, person.pk) not in existing:
                existing.add((idea.pk, person.pk))
                rows.append(Support(idea=idea, person=person))
    Support.objects.bulk_create(rows, batch_size=2000)
    counted = Support.objects.filter(idea=OuterRef("pk")).values("idea").annotate(n=Count("pk"))
    Idea.objects.filter(consultation=consultation).update(
        supports_count=Coalesce(Subquery(counted.values("n")), 0)
    )
    report.supports = Support.objects.filter(idea__consultation=consultation).count()
    report.ideas = Idea.objects.filter(consultation=consultation).count()
    # Official answers and a follow-up on the most supported ideas.
    top = list(Idea.objects.filter(consultation=consultation, state=Idea.State.PUBLISHED)
               .order_by("-supports_count", "pk")[:3])  # fmt: skip
    act.answer_idea(actor=ACTOR, idea=top[0], status="accepted",
                    text="Retenue : inscrite au budget 2027.")  # fmt: skip
    act.save_milestone(actor=ACTOR, idea=top[0], title="Étude de faisabilité",
                       due_on=clock.now().date() + timedelta(days=60), progress=30)  # fmt: skip
    act.answer_idea(actor=ACTOR, idea=top[1], status="under_study")
    act.answer_idea(actor=ACTOR, idea=top[2], status="rejected",
                    text="Déjà prévu par le plan vélo départemental.")  # fmt: skip


def _participants(sceaux: Authority, rng: random.Random) -> list[Person]:
    """The demo's Sceaux residents with a verified e-mail, then new ones up to 1,400."""
    found = list(
        Person.objects.filter(commune_id=sceaux.commune_id, identities__verification__gt=0)
        .distinct().order_by("pk")[:PARTICIPANTS]
    )  # fmt: skip
    missing = PARTICIPANTS - len(found)
    if missing > 0:
        first_names = ["Camille", "Léa", "Hugo", "Inès", "Louis", "Nora", "Jules", "Emma", "Adam"]
        new = Person.objects.bulk_create([
            Person(first_name=rng.choice(first_names), last_name=f"Participant{i}",
                   commune_id=sceaux.commune_id)
            for i in range(missing)
        ])  # fmt: skip
        Identity.objects.bulk_create([
            Identity(person=p, kind=Identity.Kind.EMAIL, value=f"sceaux2030.{p.pk}@exemple.fr",
                     verification=Verification.EMAIL_VERIFIED, verified_at=clock.now())
            for p in new
        ])  # fmt: skip
        found += new
    return found


def _titles(rng: random.Random) -> list[tuple[str, str]]:
    titles = []
    for round_ in range(10):
        for category, subjects in THEMES.items():
            for subject in subjects:
                opening = OPENINGS[(round_ + len(subject)) % len(OPENINGS)]
                suffix = (
                    ""
                    if round_ == 0
                    else f" ({['nord', 'sud', 'centre', 'est', 'ouest', 'Blagis', 'gare', 'parc', 'lycée', 'marché'][round_]})"
                )
                titles.append((category, f"{opening} {subject}{suffix}"))
    rng.shuffle(titles)
    return titles[: PROPOSALS + 10]
