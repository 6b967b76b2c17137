"""Persons, organisations and households, corrected through the people actions.

Persons come in through the filing paths and the counter, never from here; their identities,
consents and preferences change through their own actions, so they are read-only here. A
record is never deleted here: merging and erasure have their own paths.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from guichet.core.admin import Formsets, ReadOnlyInline, ThroughActionAdmin, changes_of
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.people import actions, selectors
from guichet.people.actions.records import ORGANISATION_FIELDS, PERSON_FIELDS
from guichet.people.identifiers import IdentifierError, validate_rna, validate_siret
from guichet.people.models import (
    Consent,
    DuplicateSuspicion,
    Household,
    Identity,
    NotificationPreference,
    Organisation,
    OrganisationRole,
    Person,
)

_Row = TypeVar("_Row", bound=Model)


REFUSALS = (*ThroughActionAdmin.refusals, actions.PeopleError, IdentifierError)


class _ReadOnlyInline(ReadOnlyInline[_Row, Person]):
    """Identities and consents change through actions only: they are journaled and checked."""


class IdentityInline(_ReadOnlyInline[Identity]):
    model = Identity
    fields = readonly_fields = (
        "kind", "value", "provider", "verification", "verified_at", "created_at",
    )  # fmt: skip


class ConsentInline(_ReadOnlyInline[Consent]):
    model = Consent
    fields = readonly_fields = ("purpose", "granted", "source", "decided_at")


class PreferenceInline(_ReadOnlyInline[NotificationPreference]):
    model = NotificationPreference
    fields = readonly_fields = ("message_kind", "channel", "enabled")


@admin.register(Person)
class PersonAdmin(ThroughActionAdmin[Person]):
    refusals = REFUSALS
    list_display = ["__str__", "category", "commune", "merged_into", "created_at"]
    list_filter = ["category"]
    search_fields = ["search_name", "identities__value"]
    raw_id_fields = ["commune", "household"]
    fields = [*PERSON_FIELDS, "merged_into", "created_at", "updated_at"]
    readonly_fields = ["merged_into", "created_at", "updated_at"]
    inlines = [IdentityInline, ConsentInline, PreferenceInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        # a merged record is history: corrections go to the person it was merged into
        return super().has_change_permission(request, obj) and not (obj and obj.merged_into_id)

    def save_through_action(
        self,
        request: HttpRequest,
        obj: Person,
        form: forms.ModelForm[Person],
        formsets: Formsets,
        change: bool,
    ) -> Person:
        return actions.change_person(
            actor=Actor.agent(request.user), person=obj, **changes_of(form, PERSON_FIELDS)
        )

    def get_urls(self) -> list[Any]:
        from django.urls import path

        from guichet.people.rights.retention_admin import retention_view

        view = self.admin_site.admin_view(lambda request: retention_view(self, request))
        return [path("retention/", view, name="people_retention"), *super().get_urls()]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        # The admin's search box understands what agents type: any phone format, any accents.
        if not search_term.strip():
            return queryset, False
        # (the administration sees every person: `queryset` is not scoped to an authority)
        found = selectors.search_persons(search_term, among=queryset, limit=200)
        return queryset.filter(pk__in=[person.pk for person in found]), False


class OrganisationForm(forms.ModelForm[Organisation]):
    # Wider than the stored columns: numbers are typed spaced, as printed on documents.
    siret = forms.CharField(label="SIRET", max_length=24, required=False)
    rna = forms.CharField(label="RNA", max_length=16, required=False)

    class Meta:
        model = Organisation
        fields = ["kind", "name", "siret", "rna", "commune"]

    def clean_siret(self) -> str:
        return self._checked(validate_siret, self.cleaned_data["siret"])

    def clean_rna(self) -> str:
        return self._checked(validate_rna, self.cleaned_data["rna"])

    @staticmethod
    def _checked(validate: Callable[[str], str], value: str) -> str:
        if not value.strip():
            return ""
        try:
            return validate(value)
        except IdentifierError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for field, label in (("siret", "SIRET"), ("rna", "RNA")):
            value = data.get(field)
            other = value and Organisation.objects.filter(**{field: value})
            if other and other.exclude(pk=self.instance.pk).exists():
                self.add_error(field, f"Le numéro {label} {value} est déjà celui d'une autre "
                               "organisation.")  # fmt: skip
        if "name" in data and not data["name"].strip():
            self.add_error("name", "Veuillez indiquer la raison sociale de l'organisation.")
        return data

    def validate_unique(self) -> None:
        pass  # checked in clean(), in French, as the actions do


class OrganisationRoleInline(ReadOnlyInline[OrganisationRole, Organisation]):
    model = OrganisationRole
    fields = readonly_fields = ("person", "role")


@admin.register(Organisation)
class OrganisationAdmin(ThroughActionAdmin[Organisation]):
    refusals = REFUSALS
    form = OrganisationForm
    list_display = ["name", "kind", "siret", "rna", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "rna"]
    raw_id_fields = ["commune"]
    inlines = [OrganisationRoleInline]

    def save_through_action(
        self,
        request: HttpRequest,
        obj: Organisation,
        form: forms.ModelForm[Organisation],
        formsets: Formsets,
        change: bool,
    ) -> Organisation:
        actor = Actor.agent(request.user)
        if change:
            return actions.change_organisation(
                actor=actor, organisation=obj, **changes_of(form, ORGANISATION_FIELDS)
            )
        return actions.create_organisation(
            actor=actor, **{name: form.cleaned_data[name] for name in ORGANISATION_FIELDS}
        )


@admin.register(Household)
class HouseholdAdmin(ThroughActionAdmin[Household]):
    refusals = REFUSALS
    search_fields = ["name"]

    def save_through_action(
        self,
        request: HttpRequest,
        obj: Household,
        form: forms.ModelForm[Household],
        formsets: Formsets,
        change: bool,
    ) -> Household:
        return actions.save_household(
            actor=Actor.agent(request.user), household=obj, name=form.cleaned_data["name"]
        )


@admin.register(DuplicateSuspicion)
class DuplicateSuspicionAdmin(admin.ModelAdmin[DuplicateSuspicion]):
    """Resolved with the "merge" and "not a duplicate" actions only."""

    list_display = ["person", "candidate", "reason", "score", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["person", "candidate"]
    search_fields = ["person__search_name", "candidate__search_name", "reason"]
    readonly_fields = ["person", "candidate", "reason", "score", "status", "resolved_at"]
    actions = ["merge", "dismiss"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: DuplicateSuspicion | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: DuplicateSuspicion | None = None
    ) -> bool:
        return False

    @admin.action(description="Fusionner (la fiche la plus ancienne est conservée)")
    def merge(self, request: HttpRequest, queryset: QuerySet[DuplicateSuspicion]) -> None:
        done = 0
        for suspicion in queryset.select_related("person", "candidate"):
            pair = sorted(
                {selectors.resolve(suspicion.person), selectors.resolve(suspicion.candidate)},
                key=lambda person: person.pk,
            )
            try:
                if suspicion.status != DuplicateSuspicion.Status.OPEN or len(pair) < 2:
                    raise actions.MergeRefused("Ce doublon présumé a déjà été traité.")
                actions.merge_persons(
                    actor=Actor.agent(request.user), survivor=pair[0], merged=pair[1]
                )
            except actions.PeopleError as error:
                self.message_user(request, f"{suspicion} : {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d fusion effectuée.", "%(n)d fusions effectuées.", done)
                % {"n": done},
                messages.SUCCESS,
            )

    @admin.action(description="Pas un doublon")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[DuplicateSuspicion]) -> None:
        done = 0
        for suspicion in queryset:
            try:
                actions.dismiss_suspicion(actor=Actor.agent(request.user), suspicion=suspicion)
            except actions.PeopleError as error:
                self.message_user(request, f"{suspicion} : {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d doublon présumé écarté.", "%(n)d doublons présumés écartés.", done)
                % {"n": done},
                messages.SUCCESS,
            )


# The RGPD rights' models (people/rights/admin.py), read-only.
from guichet.people.rights import admin as _rights_admin  # noqa: E402, F401
