from django import forms
from django.contrib import admin, messages

from guichet.core.journal import Actor
from guichet.people import actions, selectors
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


class _ReadOnlyInline(admin.TabularInline):
    """Identities and consents change through actions only: they are journaled and checked."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IdentityInline(_ReadOnlyInline):
    model = Identity
    fields = ["kind", "value", "provider", "verification", "verified_at", "created_at"]
    readonly_fields = fields


class ConsentInline(_ReadOnlyInline):
    model = Consent
    fields = ["purpose", "granted", "source", "decided_at"]
    readonly_fields = fields


class PreferenceInline(_ReadOnlyInline):
    model = NotificationPreference
    fields = ["message_kind", "channel", "enabled"]
    readonly_fields = fields


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "commune", "merged_into", "created_at"]
    list_filter = ["category"]
    search_fields = ["search_name", "identities__value"]
    raw_id_fields = ["commune", "household", "merged_into"]
    readonly_fields = ["merged_into", "created_at", "updated_at"]
    inlines = [IdentityInline, ConsentInline, PreferenceInline]

    def get_search_results(self, request, queryset, search_term):
        # The admin's search box understands what agents type: any phone format, any accents.
        if not search_term.strip():
            return queryset, False
        found = selectors.search_persons(search_term, limit=200)
        return queryset.filter(pk__in=[person.pk for person in found]), False


class OrganisationForm(forms.ModelForm):
    # Wider than the stored columns: numbers are typed spaced, as printed on documents.
    siret = forms.CharField(label="SIRET", max_length=24, required=False)
    rna = forms.CharField(label="RNA", max_length=16, required=False)

    class Meta:
        model = Organisation
        fields = ["kind", "name", "siret", "rna", "commune"]

    def clean_siret(self):
        return self._checked(validate_siret, self.cleaned_data["siret"])

    def clean_rna(self):
        return self._checked(validate_rna, self.cleaned_data["rna"])

    @staticmethod
    def _checked(validate, value):
        if not value.strip():
            return ""
        try:
            return validate(value)
        except IdentifierError as error:
            raise forms.ValidationError(str(error)) from None


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "siret", "rna", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "rna"]
    raw_id_fields = ["commune"]
    inlines = [OrganisationRoleInline]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(DuplicateSuspicion)
class DuplicateSuspicionAdmin(admin.ModelAdmin):
    list_display = ["person", "candidate", "reason", "score", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["person", "candidate"]
    search_fields = ["person__search_name", "candidate__search_name", "reason"]
    readonly_fields = ["person", "candidate", "reason", "score", "status", "resolved_at"]
    actions = ["merge", "dismiss"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Fusionner (la fiche la plus ancienne est conservée)")
    def merge(self, request, queryset):
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
            self.message_user(request, f"{done} fusion(s) effectuée(s).", messages.SUCCESS)

    @admin.action(description="Pas un doublon")
    def dismiss(self, request, queryset):
        done = 0
        for suspicion in queryset:
            try:
                actions.dismiss_suspicion(actor=Actor.agent(request.user), suspicion=suspicion)
            except actions.PeopleError as error:
                self.message_user(request, f"{suspicion} : {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} doublon(s) présumé(s) écarté(s).", messages.SUCCESS)
