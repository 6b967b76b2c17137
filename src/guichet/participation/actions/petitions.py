"""Petitions' writes: rules, submission, opening, signature, closing, the official answer.
One transaction and one `participation.*` event each (ADR 0041).

A signature locks the petition's row (`select_for_update`) before it inserts, so the count on
the row, the reminders at a third and two thirds, and the crossing of the threshold (which
creates the obligation) happen exactly once whatever the concurrency; the unique constraint
(petition, person) turns a second signature, from a second tab, into a French refusal.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from guichet.authorities.models import Authority
from guichet.authorities.rules import covered_communes
from guichet.core import calendar, clock, journal
from guichet.core.journal import Actor
from guichet.participation import eligibility, moderation, thresholds
from guichet.participation.models.petitions import (
    CoSponsor,
    CouncilMeeting,
    Duty,
    Obligation,
    Petition,
    PetitionRules,
    Signature,
)
from guichet.participation.notify import notify
from guichet.participation.phases import Action
from guichet.participation.refusals import Refused, clean_text
from guichet.people.models import Person

RULES_CHANGED = "participation.petition-rules-changed"
MEETING_ADDED = "participation.council-meeting-added"
SUBMITTED = "participation.petition-submitted"
OPENED = "participation.petition-opened"
REJECTED = "participation.petition-rejected"
SIGNED = "participation.petition-signed"
CLOSED = "participation.petition-closed"
ANSWERED = "participation.obligation-answered"

TITLE_MAX, TEXT_MAX = 160, 5000


def rules_for(authority: Authority) -> PetitionRules:
    """The authority's rules, or the defaults (unsaved) when it set none."""
    return PetitionRules.objects.filter(authority=authority).first() or PetitionRules(
        authority=authority
    )


def _positive_int(value: object, *, field: str, label: str, maximum: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Refused.field(field, f"{label} : un nombre entier est attendu.") from None
    if number <= 0:
        raise Refused.field(field, f"{label} : doit être supérieur à zéro.")
    if number > maximum:
        raise Refused.field(field, f"{label} : {maximum} au plus.")
    return number


@transaction.atomic
def save_rules(
    *, authority: Authority, by: Actor, threshold_percent: object, duty: object,
    answer_working_days: object, max_days_open: object,
) -> PetitionRules:  # fmt: skip
    """Set the authority's petition rules; zero or negative values refused per field."""
    errors: dict[str, list[str]] = {}
    try:
        percent = Decimal(str(threshold_percent).strip().replace(",", "."))
        if not percent.is_finite():
            raise InvalidOperation
        if percent <= 0:
            errors["threshold_percent"] = ["Seuil : doit être supérieur à zéro."]
        elif percent > 100:
            errors["threshold_percent"] = ["Seuil : 100 % au plus."]
        elif percent != percent.quantize(Decimal("0.01")):
            errors["threshold_percent"] = ["Seuil : deux décimales au plus."]
    except (InvalidOperation, ValueError):
        errors["threshold_percent"] = ["Seuil : un pourcentage est attendu (par exemple 1 ou 0,5)."]
        percent = Decimal(0)
    if duty not in Duty.values:
        errors["duty"] = ["Obligation : choisissez une réponse officielle ou l'ordre du jour."]
    numbers = {}
    for field, value, label, maximum in (
        ("answer_working_days", answer_working_days, "Délai de réponse", 365),
        ("max_days_open", max_days_open, "Durée maximale", 730),
    ):
        try:
            numbers[field] = _positive_int(value, field=field, label=label, maximum=maximum)
        except Refused as refusal:
            errors.update(refusal.errors)
    if errors:
        raise Refused(errors)
    rules, _ = PetitionRules.objects.update_or_create(
        authority=authority,
        defaults={"threshold_percent": percent, "duty": duty, **numbers},
    )
    journal.append(
        kind=RULES_CHANGED, actor=by, authority_id=authority.pk, subject=rules,
        payload={"threshold_percent": str(percent), "duty": duty, **numbers},
    )  # fmt: skip
    return rules


@transaction.atomic
def add_council_meeting(*, authority: Authority, by: Actor, day: object) -> CouncilMeeting:
    if not isinstance(day, date):
        try:
            day = date.fromisoformat(str(day).strip())
        except ValueError:
            raise Refused.field("date", "Date : une date est attendue (jj/mm/aaaa).") from None
    if day < calendar.local_date(clock.now()):
        raise Refused.field("date", "Date : la séance ne peut pas être dans le passé.")
    meeting, created = CouncilMeeting.objects.get_or_create(authority=authority, date=day)
    if not created:
        raise Refused.field("date", "Date : cette séance est déjà inscrite.")
    journal.append(
        kind=MEETING_ADDED, actor=by, authority_id=authority.pk, subject=meeting,
        payload={"date": day.isoformat()},
    )  # fmt: skip
    return meeting


def _allowed(person: Person, authority: Authority, action: str) -> None:
    try:
        eligibility.check(person, authority, action)
    except eligibility.NotAllowed as error:
        raise Refused(error.message) from error
    if moderation.is_blocked(person, authority):
        raise Refused("Les modérateurs ont suspendu vos contributions sur cette collectivité.")


@transaction.atomic
def submit_petition(
    *, authority: Authority, person: Person, title: object, text: object, days_open: object,
    commune_ids: list[int] | None = None, cosponsors: list[Person] = (),
) -> Petition:  # fmt: skip
    """A petition awaiting moderation; it opens when a moderator accepts it."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, value, label, maximum in (
        ("title", title, "Titre", TITLE_MAX),
        ("text", text, "Texte", TEXT_MAX),
    ):
        try:
            cleaned[field] = clean_text(value, field=field, label=label, max_length=maximum)
        except Refused as refusal:
            errors.update(refusal.errors)
    rules = rules_for(authority)
    try:
        days = _positive_int(
            days_open, field="days_open", label="Durée", maximum=rules.max_days_open
        )
    except Refused as refusal:
        errors.update(refusal.errors)
    scope = covered_communes(authority)
    communes = list(scope.filter(pk__in=commune_ids)) if commune_ids else list(scope)
    if commune_ids and len(communes) != len(set(commune_ids)):
        errors["communes"] = ["Communes : choisissez parmi les communes de la collectivité."]
    if errors:
        raise Refused(errors)
    _allowed(person, authority, Action.START_PETITION)
    petition = Petition.objects.create(
        authority=authority, initiator=person, days_open=days, **cleaned
    )
    petition.communes.set(communes)
    CoSponsor.objects.bulk_create(
        [CoSponsor(petition=petition, person=p) for p in cosponsors if p.pk != person.pk],
        ignore_conflicts=True,
    )
    journal.append(
        kind=SUBMITTED, actor=Actor.person(person), authority_id=authority.pk, subject=petition,
        channel="web", payload={"communes": len(communes), "days_open": days},
    )  # fmt: skip
    return petition


def _locked(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().get(pk=petition.pk)


@transaction.atomic
def open_petition(*, petition: Petition, by: Actor) -> Petition:
    """A moderator accepts the petition: its threshold is fixed and its window starts."""
    petition = _locked(petition)
    if petition.status != Petition.Status.PENDING:
        raise Refused("Cette pétition n'est plus en attente de modération.")
    rules = rules_for(petition.authority)
    population = thresholds.population_of(petition.communes.all())
    try:
        threshold = thresholds.threshold_for(population, rules.threshold_percent)
    except thresholds.ThresholdError as error:
        raise Refused(str(error)) from error
    now = clock.now()
    petition.status = Petition.Status.OPEN
    petition.population, petition.threshold = population, threshold
    petition.opens_at, petition.closes_at = now, now + timedelta(days=petition.days_open)
    petition.save(update_fields=["status", "population", "threshold", "opens_at", "closes_at"])
    journal.append(
        kind=OPENED, actor=by, authority_id=petition.authority_id, subject=petition,
        payload={"population": population, "threshold": threshold,
                 "percent": str(rules.threshold_percent)},
    )  # fmt: skip
    notify(
        petition.initiator, authority=petition.authority,
        subject=f"Votre pétition « {petition.title} » est ouverte à la signature",
        text=f"Elle a besoin de {threshold} signatures d'ici le "
        f"{_day(petition.closes_at)}.",
        link=petition_path(petition), key=f"petition:{petition.pk}:opened",
    )  # fmt: skip
    return petition


@transaction.atomic
def reject_petition(*, petition: Petition, by: Actor, reason: object) -> Petition:
    reason = clean_text(reason, field="reason", label="Motif", max_length=300)
    petition = _locked(petition)
    if petition.status != Petition.Status.PENDING:
        raise Refused("Cette pétition n'est plus en attente de modération.")
    petition.status = Petition.Status.REJECTED
    petition.rejection_reason = reason
    petition.save(update_fields=["status", "rejection_reason"])
    journal.append(
        kind=REJECTED, actor=by, authority_id=petition.authority_id, subject=petition,
        payload={"reason": reason},
    )  # fmt: skip
    notify(
        petition.initiator, authority=petition.authority,
        subject=f"Votre pétition « {petition.title} » n'a pas été acceptée",
        text=f"Motif : {reason}", link=petition_path(petition),
        key=f"petition:{petition.pk}:rejected",
    )  # fmt: skip
    return petition


def _day(moment) -> str:
    return calendar.local_date(moment).strftime("%d/%m/%Y")


def petition_path(petition: Petition) -> str:
    return reverse("participation:petition", kwargs={"pk": petition.pk})


@transaction.atomic
def sign(*, petition: Petition, person: Person) -> Signature:
    """`person` signs; refused (French) when closed, not eligible, or already signed."""
    petition = _locked(petition)
    if not petition.is_signable:
        if petition.status == Petition.Status.OPEN and petition.closes_at <= clock.now():
            raise Refused("Cette pétition est close : les signatures ne sont plus recueillies.")
        raise Refused("Cette pétition n'est pas ouverte à la signature.")
    _allowed(person, petition.authority, Action.SIGN)
    now = clock.now()
    try:
        with transaction.atomic():
            signature = Signature.objects.create(petition=petition, person=person, signed_at=now)
    except IntegrityError as error:
        raise Refused(
            "Vous avez déjà signé cette pétition : votre signature compte une fois."
        ) from error
    before = petition.signature_count
    Petition.objects.filter(pk=petition.pk).update(signature_count=F("signature_count") + 1)
    after = before + 1
    petition.signature_count = after
    reminders = thresholds.reminders_crossed(before, after, petition.threshold)
    crossed = before < petition.threshold <= after
    for mark in reminders:
        _remind(petition, mark, now)
    if crossed:
        _create_obligation(petition, now)
    journal.append(
        kind=SIGNED, actor=Actor.person(person), authority_id=petition.authority_id,
        subject=petition, channel="web",
        payload={"count": after, "threshold": petition.threshold, "crossed": crossed,
                 "reminders": reminders},
    )  # fmt: skip
    return signature


MARK_WORDS = {
    "third": ("third_reminded_at", "un tiers"),
    "two_thirds": ("two_thirds_reminded_at", "deux tiers"),
}


def _remind(petition: Petition, mark: str, now) -> None:
    column, words = MARK_WORDS[mark]
    updated = Petition.objects.filter(pk=petition.pk, **{f"{column}__isnull": True}).update(
        **{column: now}
    )
    if not updated:
        return
    setattr(petition, column, now)
    notify(
        petition.initiator, authority=petition.authority,
        subject=f"Votre pétition « {petition.title} » a atteint {words} de son seuil",
        text=f"{petition.signature_count} signatures sur {petition.threshold} : "
        "partagez-la pour atteindre le seuil avant sa clôture.",
        link=petition_path(petition), key=f"petition:{petition.pk}:{mark}",
    )  # fmt: skip


def _create_obligation(petition: Petition, now) -> Obligation:
    rules = rules_for(petition.authority)
    departement = getattr(getattr(petition.authority.commune, "departement", None), "code", None)
    meetings = CouncilMeeting.objects.filter(authority=petition.authority).values_list(
        "date", flat=True
    )
    due = thresholds.obligation_due(
        now, duty=rules.duty, working_days=rules.answer_working_days, meetings=meetings,
        departement=departement,
    )  # fmt: skip
    Petition.objects.filter(pk=petition.pk).update(crossed_at=now)
    petition.crossed_at = now
    obligation = Obligation.objects.create(
        petition=petition, authority=petition.authority,
        duty=Duty.AGENDA if due.meeting_date else Duty.ANSWER,
        created_at=now, due_at=due.due_at, meeting_date=due.meeting_date,
    )  # fmt: skip
    notify(
        petition.initiator, authority=petition.authority,
        subject=f"Votre pétition « {petition.title} » a atteint son seuil",
        text=f"{petition.authority.name} doit y répondre d'ici le "
        f"{_day(due.due_at)}.",
        link=petition_path(petition), key=f"petition:{petition.pk}:crossed",
    )  # fmt: skip
    return obligation


@transaction.atomic
def close_petition(*, petition: Petition, by: Actor) -> Petition:
    petition = _locked(petition)
    if petition.status != Petition.Status.OPEN:
        raise Refused("Cette pétition n'est pas ouverte.")
    petition.status = Petition.Status.CLOSED
    petition.save(update_fields=["status"])
    journal.append(
        kind=CLOSED, actor=by, authority_id=petition.authority_id, subject=petition,
        payload={"count": petition.signature_count, "threshold": petition.threshold},
    )  # fmt: skip
    return petition


def close_due() -> int:
    """The periodic job: close every petition whose window ended; the number closed."""
    closed = 0
    due = Petition.objects.filter(status=Petition.Status.OPEN, closes_at__lte=clock.now())
    for petition in due.order_by("pk"):
        try:
            close_petition(petition=petition, by=Actor.system("clôture des pétitions"))
        except Refused:
            continue
        closed += 1
    return closed


@transaction.atomic
def answer_obligation(*, obligation: Obligation, by: Actor, answer: object) -> Obligation:
    """Publish the official answer; the initiator, co-sponsors and signers are told once."""
    answer = clean_text(answer, field="answer", label="Réponse officielle", max_length=10000)
    obligation = (
        Obligation.objects.select_for_update().select_related("petition").get(pk=obligation.pk)
    )
    if obligation.answered_at is not None:
        raise Refused("La réponse officielle est déjà publiée.")
    obligation.answer, obligation.answered_at = answer, clock.now()
    obligation.save(update_fields=["answer", "answered_at"])
    petition = obligation.petition
    journal.append(
        kind=ANSWERED, actor=by, authority_id=obligation.authority_id, subject=obligation,
        payload={"petition": petition.pk, "late": obligation.is_late},
    )  # fmt: skip
    ids = set(petition.signatures.values_list("person_id", flat=True))
    ids |= set(petition.cosponsors.values_list("person_id", flat=True))
    ids.add(petition.initiator_id)
    for person in Person.objects.filter(pk__in=ids).order_by("pk"):
        notify(
            person, authority=petition.authority,
            subject=f"Réponse officielle à la pétition « {petition.title} »",
            text=f"{petition.authority.name} a répondu à la pétition que vous avez soutenue.",
            link=petition_path(petition), key=f"petition:{petition.pk}:answered",
        )  # fmt: skip
    return obligation
