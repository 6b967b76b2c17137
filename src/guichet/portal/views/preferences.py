"""A person's notification choices: channels per kind of message, information, opting out.

Reached signed in ("Mes demandes"), or without signing in from a preferences link sent by
e-mail (the signed token names the person; it expires, and an unsubscribe link never opens it). Each change goes through the people actions: one journal
event per preference change or consent decision, all in one transaction.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from guichet.core.journal import Actor
from guichet.notifications import optout
from guichet.people.actions import record_consent, set_preferences
from guichet.people.errors import PeopleError
from guichet.people.models import Consent, Identity, NotificationPreference, Person
from guichet.people.selectors import consents_in_force, resolve
from guichet.portal.session import current_person
from guichet.portal.views._common import not_found, page

Kind = NotificationPreference.MessageKind
Channel = NotificationPreference.Channel
NO_PHONE = (
    "SMS : aucun numéro de téléphone n'est enregistré pour vous. Donnez-le à votre "
    "collectivité, ou décochez les cases SMS."
)


def _field(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


def _current(person: Person) -> dict[str, bool]:
    """What the form shows: explicit choices, else the defaults of `people.selectors.wants`."""
    explicit = {(p.message_kind, p.channel): p.enabled for p in person.preferences.all()}
    consents = consents_in_force(person)
    values = {
        _field(kind, channel): explicit.get((kind, channel), channel == Channel.EMAIL)
        for kind in Kind.values
        for channel in Channel.values
    }
    broadcast = consents.get(Consent.Purpose.BROADCAST)
    notifications = consents.get(Consent.Purpose.NOTIFICATIONS)
    values["information"] = broadcast is not None and broadcast.granted
    values["stop_all"] = notifications is not None and not notifications.granted
    return values


class PreferencesForm(forms.Form):
    information = forms.BooleanField(
        required=False, label="J'accepte de recevoir les informations de ma collectivité "
        "(travaux, événements, collectes), par les canaux cochés à la ligne « information de la collectivité ».",
    )  # fmt: skip
    stop_all = forms.BooleanField(
        required=False, label="Ne plus rien recevoir : aucun courriel ni SMS, "
        "même sur le suivi de mes demandes.",
    )  # fmt: skip

    def __init__(self, *args, has_phone: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_phone = has_phone
        for kind, label in Kind.choices:
            for channel, channel_label in Channel.choices:
                unreachable = channel == Channel.SMS and not has_phone
                self.fields[_field(kind, channel)] = forms.BooleanField(
                    required=False, label=f"{label} par {channel_label}",
                    widget=forms.CheckboxInput(attrs={"disabled": True} if unreachable else {}),
                )  # fmt: skip

    def clean(self):
        data = super().clean()
        if not self.has_phone and any(data.get(_field(k, Channel.SMS)) for k in Kind.values):
            raise forms.ValidationError(NO_PHONE)
        return data

    def rows(self):
        """The grid: one row per kind of message, a checkbox per channel."""
        return [
            {
                "label": label,
                "cells": [(self[_field(kind, c)], name) for c, name in Channel.choices],
            }
            for kind, label in Kind.choices
        ]


def _save(person: Person, before: dict[str, bool], after: dict, source: str) -> bool:
    """Write what changed, through the people actions; whether anything did."""
    actor = Actor.person(person)
    changed = {
        (kind, channel): bool(after[_field(kind, channel)])
        for kind in Kind.values
        for channel in Channel.values
        if bool(after[_field(kind, channel)]) != before[_field(kind, channel)]
    }
    with transaction.atomic():
        if changed:
            set_preferences(actor=actor, person=person, preferences=changed)
        if after["information"] != before["information"]:
            record_consent(
                actor=actor, person=person, purpose=Consent.Purpose.BROADCAST,
                granted=after["information"], source=source,
            )  # fmt: skip
        if after["stop_all"] != before["stop_all"]:
            record_consent(
                actor=actor, person=person, purpose=Consent.Purpose.NOTIFICATIONS,
                granted=not after["stop_all"], source=source,
            )  # fmt: skip
    return bool(changed) or any(after[k] != before[k] for k in ("information", "stop_all"))


def _preferences(request, person: Person, *, here: str, source: str, signed_in: bool):
    has_phone = person.identities.filter(kind=Identity.Kind.PHONE).exists()
    before = _current(person)
    if request.method == "POST":
        # SMS boxes are sent as unchecked when there is no phone: keep them off.
        form = PreferencesForm(request.POST, has_phone=has_phone)
        if form.is_valid():
            try:
                changed = _save(person, before, form.cleaned_data, source)
            except PeopleError as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    "Vos préférences sont enregistrées." if changed else "Aucun changement.",
                )
                return redirect(here)
        status = 400
    else:
        form = PreferencesForm(initial=before, has_phone=has_phone)
        status = 200
    context = {
        "title": "Mes notifications",
        "person": person,
        "form": form,
        "has_phone": has_phone,
        "channels": Channel.choices,
        "signed_in": signed_in,
    }
    return page(request, "portal/preferences.html", context, status=status)


@require_http_methods(["GET", "POST"])
def signed_in(request):
    person = current_person(request)
    if person is None:
        return redirect("portal:sign_in")
    here = reverse("portal:preferences")
    return _preferences(request, person, here=here, source="espace usager", signed_in=True)


@require_http_methods(["GET", "POST"])
def from_link(request, token: str):
    """The same page from a preferences link (sent by e-mail, valid 30 days): the signed
    token names the person. An expired one, or an unsubscribe link, offers a new link."""
    try:
        person_id = optout.preferences_person_from(token)
    except optout.ExpiredLink as expired:
        return _expired(request, expired.person_id)
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        return not_found(request, "Ce lien de gestion des notifications n'est pas valide.")
    here = reverse("portal:preferences_link", kwargs={"token": token})
    return _preferences(
        request, resolve(person), here=here, source="lien de préférences", signed_in=False
    )


def _expired(request, person_id: int):
    """POST sends a new link to the person's own address (never to whoever holds this one)."""
    person = Person.objects.filter(pk=person_id).first()
    sent = None
    if request.method == "POST" and person is not None:
        sent = optout.send_preferences_link(resolve(person))
    context = {"title": "Lien expiré", "sent": sent, "days": optout.PREFERENCES_DAYS}
    return page(request, "portal/preferences_expired.html", context, status=410)
