"""Merging a duplicate into its parent, and undoing it (issue 16).

A merged child keeps its reference, leaves the queue (`in_queue` is computed from
`duplicate_of`), and its person follows the parent (`Follower`, source « merge »), so the
parent's notifications reach them once. Its public status mirrors the parent's from then on
(`mirror_status`, applied by `_common.apply_state` on every move of the parent), so "my
requests" and its tracking page show the parent's progress; the child itself appends no event
when the parent moves, so its person is never notified twice.

« Marquer comme doublon » (the request page's link block) is this merge: there is one way to
say that a request is a duplicate.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guichet.authorities.models import Team
from guichet.cases import events
from guichet.cases.actions._common import append, lock, mirror_status
from guichet.cases.models import Follower, PublicStatus, Request
from guichet.cases.workflow import IllegalTransition
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event, User
from guichet.core.plurals import ngettext

OPEN = (PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED)


class MergeRefused(IllegalTransition):
    """A merge or unmerge the rules refuse, with a French message."""


def _lock_both(first: Request, second: Request) -> tuple[Request, Request]:
    """Lock the two rows in id order (two merges crossing each other cannot deadlock)."""
    locked = {r.pk: lock(r) for r in sorted((first, second), key=lambda r: r.pk)}
    return locked[first.pk], locked[second.pk]


def _check(child: Request, parent: Request) -> None:
    if child.pk == parent.pk:
        raise MergeRefused("Une demande ne peut pas être fusionnée dans elle-même.")
    if child.is_test or parent.is_test:
        raise MergeRefused("Une demande de test ne peut pas être fusionnée.")
    if child.authority_id != parent.authority_id:
        raise MergeRefused(
            "Les deux demandes doivent être traitées par la même collectivité pour être fusionnées."
        )
    if child.duplicate_of_id is not None:
        root = Request.objects.only("reference").get(pk=child.duplicate_of_id)
        raise MergeRefused(
            f"La demande {child.reference} est déjà fusionnée dans {root.reference}."
        )
    if parent.duplicate_of_id is not None:
        root = Request.objects.only("reference").get(pk=parent.duplicate_of_id)
        raise MergeRefused(
            f"La demande {parent.reference} est elle-même fusionnée dans {root.reference} : "
            f"fusionnez plutôt dans {root.reference}."
        )
    if parent.public_status not in OPEN:
        raise MergeRefused(
            f"La demande {parent.reference} est terminée : on ne peut plus y regrouper "
            "d'autres demandes."
        )
    if child.public_status not in OPEN:
        raise MergeRefused(
            f"La demande {child.reference} est terminée : elle ne peut pas être fusionnée."
        )
    children = Request.objects.filter(duplicate_of_id=child.pk).count()
    if children:
        raise MergeRefused(
            ngettext(
                "La demande {ref} regroupe déjà {n} autre demande : ",
                "La demande {ref} regroupe déjà {n} autres demandes : ",
                children,
            ).format(ref=child.reference, n=children)
            + f"fusionnez plutôt {parent.reference} dans {child.reference}."
        )


@transaction.atomic
def merge_request(*, child: Request, parent: Request, actor: Actor, note: str = "") -> Request:
    """Merge `child` into `parent` (the same problem reported twice); returns the child.

    Both rows are locked in id order; a second merge of the same child waits, then is refused
    (MergeRefused, French). Refused: itself, a test request, another authority's, a child
    already merged, a parent itself merged (merge into its root), a finished parent or child,
    a child that already gathers merged requests (merge the other way round). One event,
    `cases.request-merged`, on the child, holding what unmerge restores.
    """
    if child.pk == parent.pk:
        raise MergeRefused("Une demande ne peut pas être fusionnée dans elle-même.")
    child, parent = _lock_both(child, parent)
    _check(child, parent)
    previous: dict[str, Any] = {
        "state": child.state,
        "public_status": child.public_status,
        "team_id": child.team_id,
        "assignee_id": child.assignee_id,
    }
    child.duplicate_of = parent
    child.public_status = mirror_status(parent.public_status)
    child.assignee = None
    child.save(update_fields=["duplicate_of", "public_status", "assignee", "updated_at"])
    follower = None
    if child.person_id != parent.person_id:
        follower, created = Follower.objects.get_or_create(
            request=parent,
            person_id=child.person_id,
            defaults={
                "source": Follower.Source.MERGE,
                "merged_request": child,
                "created_at": clock.now(),
            },
        )
        follower = follower if created else None
    append(
        events.MERGED, child, actor, visible=True,
        parent=parent.reference, parent_id=parent.pk, note=note.strip(), previous=previous,
        follower_id=follower.pk if follower else None,
    )  # fmt: skip
    return child


def _merge_event(child: Request) -> Event | None:
    return (
        Event.objects.filter(case_id=child.pk, kind=events.MERGED)
        .order_by("-occurred_at", "-id")
        .first()
    )


@transaction.atomic
def unmerge_request(*, child: Request, actor: Actor, reason: str) -> Request:
    """Undo the merge of `child`: it is handled on its own again, as it was when merged
    (state, public status, team, assignee from the merge event), and its person stops
    following the parent through it. One event, `cases.request-unmerged`."""
    if not (reason or "").strip():
        raise MergeRefused("Indiquez pourquoi la demande doit de nouveau être traitée séparément.")
    seen = Request.objects.filter(pk=child.pk).values_list("duplicate_of_id", flat=True).first()
    if seen is None:
        raise MergeRefused(f"La demande {child.reference} n'est fusionnée dans aucune autre.")
    child, parent = _lock_both(child, Request(pk=seen))
    if child.duplicate_of_id != parent.pk:  # unmerged (or merged elsewhere) meanwhile
        raise MergeRefused(
            f"La demande {child.reference} vient d'être modifiée par quelqu'un d'autre. "
            "Rechargez la page."
        )
    merged = _merge_event(child)
    previous = (merged.payload or {}).get("previous", {}) if merged is not None else {}
    child.duplicate_of = None
    # A request marked as a duplicate before merges existed has no merge event: it keeps its
    # state and public status.
    child.state = previous.get("state", child.state)
    child.public_status = previous.get("public_status", child.public_status)
    if "team_id" in previous:
        child.team_id = _existing_team(previous["team_id"], child.authority_id)
    if "assignee_id" in previous:
        child.assignee_id = (
            previous["assignee_id"]
            if User.objects.filter(pk=previous["assignee_id"], is_active=True).exists()
            else None
        )
    child.save(
        update_fields=["duplicate_of", "state", "public_status", "team", "assignee", "updated_at"]
    )
    _stop_following(parent, child)
    append(
        events.UNMERGED, child, actor, visible=True,
        parent=parent.reference, parent_id=parent.pk, reason=reason.strip(),
        restored={"state": child.state, "public_status": child.public_status},
    )  # fmt: skip
    return child


def _existing_team(team_id: int | None, authority_id: int) -> int | None:
    if team_id is None:
        return None
    return team_id if Team.objects.filter(pk=team_id, authority_id=authority_id).exists() else None


def _stop_following(parent: Request, child: Request) -> None:
    """Remove the follow the merge of `child` created; if another request of the same person
    is still merged into the parent, the follow is kept for that one instead."""
    follow = Follower.objects.filter(
        request=parent, merged_request=child, source=Follower.Source.MERGE
    ).first()
    if follow is None:
        return
    sibling = (
        Request.objects.filter(duplicate_of=parent, person_id=child.person_id)
        .exclude(pk=child.pk)
        .order_by("received_at", "pk")
        .first()
    )
    if sibling is not None:
        follow.merged_request = sibling
        follow.save(update_fields=["merged_request"])
    else:
        follow.delete()
