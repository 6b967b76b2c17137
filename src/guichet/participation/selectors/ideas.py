"""Reads about ideas: lists, genealogy (came from / became), comment threads, a person's."""

from __future__ import annotations

from dataclasses import dataclass

from guichet.participation import consensus
from guichet.participation.models.ideas import Comment, Idea, IdeaLink, Merge, Support, SupportOffer

VISIBLE = (Idea.State.PUBLISHED, Idea.State.MERGED, Idea.State.ARCHIVED, Idea.State.PROPOSED)


def listed(consultation, *, sort: str = "soutiens") -> list[Idea]:
    """The open ideas, by supports or by group-aware consensus."""
    ideas = list(
        Idea.objects.filter(consultation=consultation, state=Idea.State.PUBLISHED)
        .select_related("author")
        .order_by("-supports_count", "pk")
    )
    if sort == "consensus" and ideas:
        backers: dict[int, set[int]] = {i.pk: set() for i in ideas}
        for idea_id, person_id in Support.objects.filter(idea__in=ideas).values_list(
            "idea_id", "person_id"
        ):
            backers[idea_id].add(person_id)
        scored = consensus.scores(backers, consensus.opinion_groups(consultation))
        ideas.sort(key=lambda i: (-scored[i.pk], i.pk))
    return ideas


def archived(consultation) -> list[Idea]:
    return list(
        Idea.objects.filter(
            consultation=consultation, state__in=[Idea.State.ARCHIVED, Idea.State.MERGED]
        )
        .select_related("merged_into", "archived_in")
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class Genealogy:
    came_from: list[IdeaLink]
    became: list[IdeaLink]
    merged_into: Idea | None


def genealogy(idea: Idea) -> Genealogy:
    came = list(idea.parent_links.select_related("parent").order_by("parent__title"))
    became = list(
        idea.child_links.select_related("child")
        .filter(child__state__in=VISIBLE)
        .order_by("child__title")
    )
    return Genealogy(came_from=came, became=became, merged_into=idea.merged_into)


def threads(idea: Idea) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments with their replies (any depth flattened under the top one)."""
    rows = list(idea.comments.filter(pending=False).select_related("author"))
    by_id = {c.pk: c for c in rows}

    def root(comment: Comment) -> int:
        seen = 0
        while comment.parent_id and comment.parent_id in by_id and seen < 50:
            comment, seen = by_id[comment.parent_id], seen + 1
        return comment.pk

    replies: dict[int, list[Comment]] = {}
    for comment in rows:
        if comment.parent_id:
            replies.setdefault(root(comment), []).append(comment)
    return [(c, replies.get(c.pk, [])) for c in rows if not c.parent_id]


def of_person(person) -> dict:
    return {
        "my_ideas": list(Idea.objects.filter(author=person).select_related("consultation")),
        "my_supports": list(
            Support.objects.filter(person=person).select_related("idea__consultation")
        ),
        "my_merges": list(
            Merge.objects.filter(
                state=Merge.State.PENDING,
                sources__idea__author=person,
                sources__accepted__isnull=True,
            )
            .select_related("result")
            .distinct()
        ),  # fmt: skip
        "my_offers": list(
            SupportOffer.objects.filter(person=person, carried__isnull=True).select_related(
                "merge__result", "from_idea"
            )
        ),
    }
