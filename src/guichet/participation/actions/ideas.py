"""Every write on ideas: propose, comment, support and withdraw, merge (propose, answer,
carry a support over), official answers and milestones. One transaction, one event each.

Eligibility (`participation.eligibility.check`) raises NotAllowed (French, what the person
needs); bad input and conflicts raise `Refused` (French, per field). Nothing is written then.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from guichet.catalogue.formdef.fields import FileField
from guichet.catalogue.uploads import clean_uploads
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.participation import eligibility
from guichet.participation.models.consultations import Consultation
from guichet.participation.models.ideas import (
    Attachment,
    Comment,
    Idea,
    IdeaLink,
    Merge,
    MergeSource,
    Milestone,
    OfficialAnswer,
    Support,
    SupportOffer,
)
from guichet.participation.notify import notify
from guichet.participation.phases import Action
from guichet.participation.refusals import Refused, clean_text
from guichet.people.models import Person

IDEA_PROPOSED = "participation.idea-proposed"
IDEA_COMMENTED = "participation.idea-commented"
IDEA_SUPPORTED = "participation.idea-supported"
SUPPORT_WITHDRAWN = "participation.support-withdrawn"
MERGE_PROPOSED = "participation.merge-proposed"
MERGE_ANSWERED = "participation.merge-answered"
SUPPORT_CARRIED = "participation.support-carried"
IDEA_ANSWERED = "participation.idea-answered"
MILESTONE_SAVED = "participation.milestone-saved"

ATTACHMENTS = FileField(type="file", name="pieces", label="Pièces jointes", max_files=3,
                        max_size_mb=10, allowed_types=["pdf", "png", "jpeg", "webp"])  # fmt: skip
PARENT_KINDS = [k for k in IdeaLink.Kind.values if k != IdeaLink.Kind.MERGE]


def idea_path(idea: Idea) -> str:
    return reverse("participation:idea", kwargs={"pk": idea.pk})


@transaction.atomic
def propose_idea(
    *,
    consultation: Consultation,
    person: Person,
    title: object,
    text: object,
    category: object = "",
    latitude: object = None,
    longitude: object = None,
    attachments: list[Any] | None = None,
    parent: Idea | None = None,
    link_kind: str = "",
) -> Idea:
    """A new idea (pending when the consultation pre-moderates), optionally the child of
    `parent` by `link_kind` (expand, counter, adapt, explore)."""
    eligibility.check(person, consultation, Action.PROPOSE)
    fields = _idea_fields(consultation, title, text, category, latitude, longitude)
    if parent is not None:
        if parent.consultation_id != consultation.pk:
            raise Refused.field("parent", "Cette idée appartient à une autre consultation.")
        if link_kind not in PARENT_KINDS:
            raise Refused.field("link_kind", "Choisissez le lien avec l'idée d'origine.")
    files, errors = clean_uploads(ATTACHMENTS, list(attachments or []))
    if errors:
        raise Refused({"attachments": errors})
    state = Idea.State.PENDING if consultation.premoderation else Idea.State.PUBLISHED
    idea = Idea.objects.create(consultation=consultation, author=person, state=state, **fields)
    for upload, described in zip(attachments or [], files, strict=False):
        upload.seek(0)
        attachment = Attachment(idea=idea, name=described["name"], size=described["size"],
                                content_type=described["content_type"])  # fmt: skip
        attachment.file.save(described["name"], upload, save=True)
    if parent is not None:
        IdeaLink.objects.create(child=idea, parent=parent, kind=link_kind)
    journal.append(
        kind=IDEA_PROPOSED, actor=Actor.person(person), authority_id=consultation.authority_id,
        subject=idea,
        payload={"consultation": consultation.pk, "parent": parent.pk if parent else None,
                 "link": link_kind or None, "attachments": len(files)},
    )  # fmt: skip
    return idea


@transaction.atomic
def comment_idea(
    *, idea: Idea, person: Person, text: object, parent: Comment | None = None
) -> Comment:
    eligibility.check(person, idea.consultation, Action.COMMENT)
    text = clean_text(text, field="text", label="Commentaire", max_length=4000)
    if parent is not None and parent.idea_id != idea.pk:
        raise Refused.field("parent", "Vous répondez à un commentaire d'une autre idée.")
    comment = Comment.objects.create(
        idea=idea, parent=parent, author=person, text=text,
        pending=idea.consultation.premoderation,
    )  # fmt: skip
    journal.append(
        kind=IDEA_COMMENTED, actor=Actor.person(person),
        authority_id=idea.consultation.authority_id, subject=comment,
        payload={"idea": idea.pk, "reply_to": parent.pk if parent else None},
    )  # fmt: skip
    return comment


@transaction.atomic
def support_idea(*, idea: Idea, person: Person) -> Support:
    """One support per person and idea: a second one (two tabs at once included) is refused
    by the unique constraint, and the count moves only with the row."""
    eligibility.check(person, idea.consultation, Action.SUPPORT)
    if idea.state != Idea.State.PUBLISHED:
        raise Refused(
            f"Cette idée est {idea.get_state_display()} : elle ne reçoit plus de soutien."
        )
    try:
        with transaction.atomic():
            support = Support.objects.create(idea=idea, person=person)
    except IntegrityError:
        raise Refused(
            "Vous soutenez déjà cette idée : votre soutien n'est compté qu'une fois."
        ) from None
    Idea.objects.filter(pk=idea.pk).update(supports_count=F("supports_count") + 1)
    journal.append(
        kind=IDEA_SUPPORTED, actor=Actor.person(person),
        authority_id=idea.consultation.authority_id, subject=idea,
        payload={"consultation": idea.consultation_id},
    )  # fmt: skip
    return support


@transaction.atomic
def withdraw_support(*, idea: Idea, person: Person) -> None:
    """Withdraw while the phase still opens supports."""
    eligibility.check(person, idea.consultation, Action.SUPPORT)
    deleted, _ = Support.objects.filter(idea=idea, person=person).delete()
    if not deleted:
        raise Refused("Vous ne soutenez pas (ou plus) cette idée.")
    Idea.objects.filter(pk=idea.pk).update(supports_count=F("supports_count") - 1)
    journal.append(
        kind=SUPPORT_WITHDRAWN, actor=Actor.person(person),
        authority_id=idea.consultation.authority_id, subject=idea,
        payload={"consultation": idea.consultation_id},
    )  # fmt: skip


@transaction.atomic
def propose_merge(
    *,
    person: Person,
    ideas: list[Idea],
    title: object,
    text: object,
    category: object = "",
    consultation: Consultation | None = None,
) -> Merge:
    """Propose to merge `ideas` (two or more, same consultation, open) into a new idea; it
    takes effect when every author accepted (`answer_merge`). The authors are told."""
    if len({i.pk for i in ideas}) < 2:
        raise Refused.field("ideas", "Choisissez au moins deux idées à fusionner.")
    consultation = consultation or ideas[0].consultation
    others = [i for i in ideas if i.consultation_id != consultation.pk]
    if others:
        raise Refused.field(
            "ideas",
            f"« {others[0].title} » appartient à une autre consultation : "
            "seules les idées d'une même consultation peuvent être fusionnées.",
        )
    closed = [i for i in ideas if i.state != Idea.State.PUBLISHED]
    if closed:
        raise Refused.field(
            "ideas", f"« {closed[0].title} » est {closed[0].get_state_display()} : "
            "elle ne peut plus être fusionnée.",
        )  # fmt: skip
    eligibility.check(person, consultation, Action.AMEND)
    fields = _idea_fields(consultation, title, text, category, None, None)
    result = Idea.objects.create(
        consultation=consultation, author=person, state=Idea.State.PROPOSED, **fields
    )
    merge = Merge.objects.create(result=result, proposed_by=person)
    now = clock.now()
    for idea in {i.pk: i for i in ideas}.values():
        own = idea.author_id == person.pk  # the proposer accepts for her own ideas
        MergeSource.objects.create(merge=merge, idea=idea, accepted=True if own else None,
                                   answered_at=now if own else None)  # fmt: skip
        IdeaLink.objects.create(child=result, parent=idea, kind=IdeaLink.Kind.MERGE)
        if not own:
            notify(
                idea.author, authority=consultation.authority,
                subject=f"Fusion proposée pour votre idée « {idea.title} »",
                text=f"Une participante ou un participant propose de fusionner votre idée "
                     f"« {idea.title} » dans « {result.title} ». La fusion n'a lieu que si "
                     "chaque auteur l'accepte : donnez votre réponse.",
                link=idea_path(result), key=f"merge-{merge.pk}-author",
            )  # fmt: skip
    journal.append(
        kind=MERGE_PROPOSED, actor=Actor.person(person),
        authority_id=consultation.authority_id, subject=merge,
        payload={"result": result.pk, "ideas": sorted(i.pk for i in ideas)},
    )  # fmt: skip
    _maybe_complete(merge)
    return merge


@transaction.atomic
def answer_merge(*, merge: Merge, person: Person, accept: bool) -> Merge:
    """An author accepts or refuses the merge of her idea(s); the last acceptance makes it
    take effect (merged ideas closed, supporters told and asked), one refusal ends it."""
    merge = (
        Merge.objects.select_for_update().select_related("result__consultation").get(pk=merge.pk)
    )
    if merge.state != Merge.State.PENDING:
        raise Refused(f"Cette proposition de fusion est déjà {merge.get_state_display()}.")
    mine = list(merge.sources.filter(idea__author=person, accepted__isnull=True))
    if not mine:
        raise Refused("Vous n'avez pas de réponse à donner sur cette fusion.")
    now = clock.now()
    MergeSource.objects.filter(pk__in=[s.pk for s in mine]).update(accepted=accept, answered_at=now)
    if not accept:
        merge.state, merge.decided_at = Merge.State.REFUSED, now
        merge.save(update_fields=["state", "decided_at"])
        Idea.objects.filter(pk=merge.result_id).update(state=Idea.State.REFUSED)
        notify(
            merge.proposed_by, authority=merge.result.consultation.authority,
            subject="Fusion refusée",
            text=f"Un auteur a refusé la fusion « {merge.result.title} ».",
            link=idea_path(merge.result), key=f"merge-{merge.pk}-refused",
        )  # fmt: skip
    done = _maybe_complete(merge) if accept else False
    journal.append(
        kind=MERGE_ANSWERED, actor=Actor.person(person),
        authority_id=merge.result.consultation.authority_id, subject=merge,
        payload={"accepted": accept, "effective": done},
    )  # fmt: skip
    return merge


def _maybe_complete(merge: Merge) -> bool:
    """Make the merge take effect when every source accepted (inside the caller's
    transaction): the result opens, the sources close, their supporters are told and asked."""
    sources = list(merge.sources.select_related("idea__author"))
    if any(s.accepted is not True for s in sources):
        return False
    now = clock.now()
    result = merge.result
    merge.state, merge.decided_at = Merge.State.DONE, now
    merge.save(update_fields=["state", "decided_at"])
    result.state = Idea.State.PUBLISHED
    result.save(update_fields=["state"])
    ids = [s.idea_id for s in sources]
    Idea.objects.filter(pk__in=ids).update(state=Idea.State.MERGED, merged_into=result)
    authority = result.consultation.authority
    told: set[int] = set()
    for source in sources:
        notify(
            source.idea.author, authority=authority, subject="Fusion effective",
            text=f"Votre idée « {source.idea.title} » est désormais fusionnée dans "
                 f"« {result.title} ».",
            link=idea_path(result), key=f"merge-{merge.pk}-done",
        )  # fmt: skip
    supports = Support.objects.filter(idea_id__in=ids).select_related("person", "idea")
    for support in supports:
        if support.person_id in told:
            continue
        told.add(support.person_id)
        SupportOffer.objects.create(merge=merge, person=support.person, from_idea=support.idea)
        notify(
            support.person, authority=authority,
            subject="L'idée que vous soutenez a été fusionnée",
            text=f"« {support.idea.title} », que vous soutenez, est fusionnée dans "
                 f"« {result.title} ». Votre soutien reste sur l'idée d'origine : "
                 "voulez-vous le reporter sur la nouvelle idée ?",
            link=idea_path(result), key=f"merge-{merge.pk}-supporter",
        )  # fmt: skip
    return True


@transaction.atomic
def carry_support(*, offer: SupportOffer, person: Person, carry: bool) -> SupportOffer:
    """The supporter's answer: carry her support to the merged idea, or leave it."""
    offer = (
        SupportOffer.objects.select_for_update().select_related("merge__result").get(pk=offer.pk)
    )
    if offer.person_id != person.pk:
        raise Refused("Cette question ne vous est pas adressée.")
    if offer.carried is not None:
        raise Refused("Vous avez déjà répondu.")
    result = offer.merge.result
    if carry:
        try:
            with transaction.atomic():
                Support.objects.create(idea=result, person=person, carried_from=offer.from_idea)
        except IntegrityError:
            pass  # she already supports the merged idea: nothing to add
        else:
            Idea.objects.filter(pk=result.pk).update(supports_count=F("supports_count") + 1)
    offer.carried, offer.answered_at = carry, clock.now()
    offer.save(update_fields=["carried", "answered_at"])
    journal.append(
        kind=SUPPORT_CARRIED, actor=Actor.person(person),
        authority_id=result.consultation.authority_id, subject=offer,
        payload={"carried": carry, "to": result.pk, "from": offer.from_idea_id},
    )  # fmt: skip
    return offer


@transaction.atomic
def answer_idea(*, actor: Actor, idea: Idea, status: object, text: object = "") -> OfficialAnswer:
    """The authority's official answer; a rejection needs its reason. The author and the
    supporters are told."""
    if status not in Idea.Answer.values:
        raise Refused.field("status", "Choisissez une réponse dans la liste.")
    text = clean_text(text, field="text", label="Réponse", max_length=10_000, required=False)
    if status == Idea.Answer.REJECTED and not text:
        raise Refused.field("text", "Une idée non retenue doit l'être avec un motif.")
    answer = OfficialAnswer.objects.create(idea=idea, status=status, text=text,
                                           answered_at=clock.now(), answered_by=actor.label[:150])  # fmt: skip
    Idea.objects.filter(pk=idea.pk).update(answer=status)
    label = dict(Idea.Answer.choices)[status]
    for person in _involved(idea):
        notify(
            person, authority=idea.consultation.authority,
            subject=f"Réponse de la collectivité : « {idea.title} »",
            text=f"L'idée « {idea.title} » est {label}." + (f"\n\n{text}" if text else ""),
            link=idea_path(idea), key=f"answer-{answer.pk}",
        )  # fmt: skip
    journal.append(
        kind=IDEA_ANSWERED, actor=actor, authority_id=idea.consultation.authority_id,
        subject=idea, payload={"status": status},
    )  # fmt: skip
    return answer


@transaction.atomic
def save_milestone(
    *,
    actor: Actor,
    idea: Idea,
    title: object,
    due_on: object,
    progress: object = 0,
    done_on: object = None,
    requests: list | None = None,
    project_url: object = "",
    milestone: Milestone | None = None,
) -> Milestone:
    errors: dict[str, list[str]] = {}
    try:
        title = clean_text(title, field="title", label="Étape", max_length=200)
    except Refused as refused:
        errors.update(refused.errors)
    if not isinstance(due_on, date):
        errors["due_on"] = ["Indiquez une date prévue valide."]
    if done_on is not None and not isinstance(done_on, date):
        errors["done_on"] = ["Indiquez une date de réalisation valide."]
    try:
        progress = int(progress)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        errors["progress"] = ["L'avancement est un pourcentage entre 0 et 100."]
    url = project_url if isinstance(project_url, str) else ""
    if url and not url.startswith(("https://", "http://")):
        errors["project_url"] = ["Lien : une adresse commençant par https:// est attendue."]
    foreign = [r for r in requests or [] if r.authority_id != idea.consultation.authority_id]
    if foreign:
        errors["requests"] = [f"La demande {foreign[0].reference} relève d'une autre collectivité."]
    if errors:
        raise Refused(errors)
    milestone = milestone or Milestone(idea=idea)
    milestone.title, milestone.due_on, milestone.done_on = title, due_on, done_on
    milestone.progress, milestone.project_url = progress, url[:200]
    milestone.save()
    if requests is not None:
        milestone.requests.set(requests)
    for person in _involved(idea):
        notify(
            person, authority=idea.consultation.authority,
            subject=f"Suivi de « {idea.title} »",
            text=f"Nouvelle étape : « {title} », avancement {progress} %.",
            link=idea_path(idea), key=f"milestone-{milestone.pk}-{progress}",
        )  # fmt: skip
    journal.append(
        kind=MILESTONE_SAVED, actor=actor, authority_id=idea.consultation.authority_id,
        subject=milestone, payload={"idea": idea.pk, "progress": progress},
    )  # fmt: skip
    return milestone


def _involved(idea: Idea) -> list[Person]:
    """The author and every supporter, once each (a digest per event, not per row)."""
    people = {idea.author_id: idea.author}
    for support in Support.objects.filter(idea=idea).select_related("person"):
        people.setdefault(support.person_id, support.person)
    return list(people.values())


def _idea_fields(consultation, title, text, category, latitude, longitude) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, value, label, limit in (("title", title, "Titre", 140),
                                      ("text", text, "Description", 10_000)):  # fmt: skip
        try:
            out[name] = clean_text(value, field=name, label=label, max_length=limit)
        except Refused as refused:
            errors.update(refused.errors)
    category = category if isinstance(category, str) else ""
    if category and consultation.categories and category not in consultation.categories:
        errors["category"] = ["Choisissez une catégorie dans la liste."]
    out["category"] = category[:80]
    point = _point(latitude, longitude)
    if point is False:
        errors["place"] = ["Le point placé sur la carte est invalide : replacez-le."]
    else:
        out["latitude"], out["longitude"] = point or (None, None)
    if errors:
        raise Refused(errors)
    return out


def _point(latitude: object, longitude: object):
    if latitude in (None, "") and longitude in (None, ""):
        return None
    try:
        lat, lon = float(str(latitude).replace(",", ".")), float(str(longitude).replace(",", "."))
    except ValueError:
        return False
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return False
    return lat, lon


def supporters_count_text(n: int) -> str:
    return ngettext("{n} soutien", "{n} soutiens", n).format(n=n)
