"""Admin for authorities, teams, agents and the competence map.

Every save goes through `actions` so it is validated and journaled like any other write;
transfers and delegations are then read-only and ended with an admin action. Teams are edited
on their own page, where the default-team rule of `actions.change_team` holds.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path

from guichet.authorities import actions, rules
from guichet.authorities.competence import competence_map, today_in_paris
from guichet.authorities.models import AgentMembership, Authority, CompetenceAssignment, Team
from guichet.core.admin import ReadOnlyInline, ThroughActionAdmin, changes_of
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.territory.models import Commune

# The admin builds each form from its model (ModelAdmin.get_form): no Meta needed here.


class TeamInline(ReadOnlyInline):
    """Shown beside their authority; added and changed on the team page."""

    model = Team
    fields = ["name", "slug", "is_default"]
    readonly_fields = fields
    show_change_link = True


class AuthorityForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:
            if self.instance.kind == Authority.Kind.OPERATOR and not data.get("operator_sector"):
                self.add_error(
                    "operator_sector", "Indiquez le secteur délégué à l'opérateur (eau, déchets…)."
                )
            return data
        if data.get("kind"):
            try:
                rules.check_territory_link(
                    data["kind"],
                    commune=data.get("commune"),
                    intercommunality=data.get("intercommunality"),
                    departement=data.get("departement"),
                )
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return data


@admin.register(Authority)
class AuthorityAdmin(ThroughActionAdmin):
    form = AuthorityForm
    change_list_template = "admin/authorities/authority/change_list.html"
    list_display = ["name", "kind", "siren", "operator_sector", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug", "siren"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["commune", "intercommunality", "departement"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [TeamInline]

    def get_inlines(self, request, obj):
        # The default team is created with the authority; others are added once it exists.
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = {*actions.AUTHORITY_EDITABLE_FIELDS}
        return [f.name for f in Authority._meta.concrete_fields if f.name not in editable]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def save_through_action(self, request, obj, form, formsets, change):
        if change:
            return actions.change_authority(
                actor=Actor.agent(request.user),
                authority=obj,
                **changes_of(form, actions.AUTHORITY_EDITABLE_FIELDS),
            )
        data = form.cleaned_data
        branding = {f: data[f] for f in actions.BRANDING_FIELDS if data.get(f)}
        return actions.create_authority(
            actor=Actor.agent(request.user),
            kind=data["kind"],
            name=data["name"],
            slug=data["slug"],
            commune=data.get("commune"),
            intercommunality=data.get("intercommunality"),
            departement=data.get("departement"),
            operator_sector=data.get("operator_sector", ""),
            siren=data.get("siren", ""),
            **branding,
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.competence_map_view)
        extra = [path("competence-map/", view, name="authorities_competence_map")]
        return extra + super().get_urls()

    def competence_map_view(self, request):
        """Read-only: for one commune, every published service and who handles it."""
        query = request.GET.get("commune", "").strip()
        on = _parse_date(request.GET.get("on", "")) or today_in_paris()
        matches, rows, commune = [], [], None
        if query:
            found = Commune.objects.filter(Q(code=query) | Q(name__iexact=query))
            if not found:
                found = Commune.objects.filter(name__icontains=query)
            matches = list(found.order_by("kind", "code")[:20])
            if len(matches) == 1 or (matches and matches[0].code == query):
                commune = matches[0]
                rows = competence_map(commune, on=on)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Carte des compétences",
            "query": query,
            "on": on,
            "matches": matches,
            "commune": commune,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/authorities/competence_map.html", context)


class AgentMembershipForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        authority = data.get("authority") or getattr(self.instance, "authority", None)
        strangers = [t.name for t in data.get("teams", []) if t.authority != authority]
        if authority and strangers:
            raise forms.ValidationError(
                ngettext(
                    "Équipe d'une autre collectivité",
                    "Équipes d'une autre collectivité",
                    len(strangers),
                )
                + f" que {authority} : {', '.join(strangers)}."
            )
        return data


@admin.register(AgentMembership)
class AgentMembershipAdmin(ThroughActionAdmin):
    """Deleting a membership detaches the agent (`remove_agent`); the account stays."""

    form = AgentMembershipForm
    list_display = ["user", "authority", "role"]
    list_filter = ["role", "authority"]
    search_fields = ["user__username", "user__last_name", "authority__name"]
    raw_id_fields = ["user"]
    filter_horizontal = ["teams"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "authority"] if obj is not None else []

    def save_through_action(self, request, obj, form, formsets, change):
        data = form.cleaned_data
        if change:
            return actions.change_agent(
                actor=Actor.agent(request.user),
                membership=obj,
                role=data["role"],
                teams=data.get("teams", ()),
            )
        return actions.add_agent(
            actor=Actor.agent(request.user),
            user=data["user"],
            authority=data["authority"],
            role=data["role"],
            teams=data.get("teams", ()),
        )

    def delete_through_action(self, request, obj):
        actions.remove_agent(actor=Actor.agent(request.user), membership=obj)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["authority", "name", "slug", "is_default"]

    def clean(self):
        data = super().clean()
        team, authority = self.instance, data.get("authority") or self.instance.authority_id
        if team.pk is not None:
            try:
                actions.check_team_change(team, is_default=bool(data.get("is_default")))
            except ValidationError as error:
                self.add_error("is_default", error.messages)
        elif authority and Team.objects.filter(authority=authority, slug=data.get("slug")).exists():
            self.add_error("slug", "Cette collectivité a déjà une équipe avec ce code.")
        return data

    def _get_validation_exclusions(self):
        # A new default team takes over from the previous one (the action does it): the
        # one-default-team constraint holds after the save, not against the form's values.
        return {*super()._get_validation_exclusions(), "is_default"}


@admin.register(Team)
class TeamAdmin(ThroughActionAdmin):
    """Teams are never deleted here: requests, routing rules and agents point to them."""

    form = TeamForm
    list_display = ["name", "authority", "slug", "is_default"]
    list_filter = ["is_default", "authority"]
    list_select_related = ["authority"]
    search_fields = ["name", "slug", "authority__name"]

    def get_readonly_fields(self, request, obj=None):
        return ["authority", "slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]} if obj is None else {}

    def save_through_action(self, request, obj, form, formsets, change):
        data = form.cleaned_data
        if change:
            return actions.change_team(
                actor=Actor.agent(request.user),
                team=obj,
                name=data["name"],
                is_default=data["is_default"],
            )
        return actions.create_team(
            actor=Actor.agent(request.user),
            authority=data["authority"],
            name=data["name"],
            slug=data["slug"],
            is_default=data["is_default"],
        )


class CompetenceAssignmentForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        needed = ("kind", "service", "granting_authority", "receiving_authority")
        if self.instance.pk is not None or not all(data.get(f) for f in needed):
            return data
        common = {
            "service": data["service"],
            "granting": data["granting_authority"],
            "receiving": data["receiving_authority"],
            "communes": data.get("communes") or (),
            "starts_on": data.get("starts_on"),
        }
        try:
            if data["kind"] == CompetenceAssignment.Kind.TRANSFER:
                if data.get("ends_on"):
                    raise ValidationError(
                        "Un transfert s'enregistre sans date de fin : mettez-y fin ensuite."
                    )
                rules.check_transfer(**common)
            else:
                rules.check_delegation(**common, ends_on=data.get("ends_on"))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return data


@admin.register(CompetenceAssignment)
class CompetenceAssignmentAdmin(ThroughActionAdmin):
    """Recorded assignments are history: end one (admin action) and record a new one."""

    form = CompetenceAssignmentForm
    list_display = [
        "service",
        "kind",
        "granting_authority",
        "receiving_authority",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["kind", "service", "granting_authority"]
    search_fields = ["service__name", "granting_authority__name", "receiving_authority__name"]
    raw_id_fields = ["communes"]
    actions = ["end_today"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_through_action(self, request, obj, form, formsets, change):
        data = form.cleaned_data
        common = {
            "actor": Actor.agent(request.user),
            "service": data["service"],
            "granting_authority": data["granting_authority"],
            "receiving_authority": data["receiving_authority"],
            "communes": data.get("communes") or (),
            "starts_on": data.get("starts_on"),
            "note": data.get("note", ""),
        }
        if data["kind"] == CompetenceAssignment.Kind.TRANSFER:
            return actions.record_transfer(**common)
        return actions.record_delegation(**common, ends_on=data.get("ends_on"))

    @admin.action(description="Mettre fin aujourd'hui aux attributions sélectionnées")
    def end_today(self, request, queryset):
        ended = 0
        for assignment in queryset:
            try:
                actions.end_assignment(actor=Actor.agent(request.user), assignment=assignment)
                ended += 1
            except ValidationError as error:
                self.message_user(request, f"{assignment} : {error.messages[0]}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)d attribution terminée.", "%(n)d attributions terminées.", ended)
            % {"n": ended},
        )


def _parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None
