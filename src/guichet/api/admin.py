"""Admin of API keys: list, issue (the key shown once), set a key's own rate limit, revoke.

Every write goes through `guichet.api.keys` (one transaction, one journal event); keys are
revoked, never deleted, so the journal keeps naming the application that acted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from guichet.api import keys
from guichet.api.models import ApiKey, Scope
from guichet.core.admin import ThroughActionAdmin
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext


class IssueForm(forms.ModelForm):
    """The form of a new key: its authority, application, scopes and optional own limit."""

    scopes = forms.MultipleChoiceField(
        label="Droits", choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    rate_limit = forms.IntegerField(
        label="Limite de requêtes par minute",
        required=False,
        min_value=1,
        max_value=keys.MAX_RATE_LIMIT,
        help_text="Laissez vide pour la limite commune.",
    )

    class Meta:
        model = ApiKey
        fields = ["authority", "application", "scopes", "rate_limit"]


class LimitForm(forms.ModelForm):
    """An issued key: only its own rate limit can change."""

    rate_limit = IssueForm.base_fields["rate_limit"]

    class Meta:
        model = ApiKey
        fields = ["rate_limit"]


@admin.register(ApiKey)
class ApiKeyAdmin(ThroughActionAdmin):
    list_display = [
        "prefix", "application", "authority", "scopes", "rate_limit", "last_used_at",
        "created_at", "revoked_at",
    ]  # fmt: skip
    list_filter = ["authority"]
    search_fields = ["prefix", "application", "authority__name"]
    list_select_related = ["authority"]
    actions = ["revoke"]
    readonly_fields_of_issued = [
        "prefix", "authority", "application", "scopes", "created_at", "last_used_at",
        "revoked_at",
    ]  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = LimitForm if obj is not None else IssueForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(IssueForm.Meta.fields)
        return [*self.readonly_fields_of_issued, "rate_limit"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields_of_issued if obj is not None else []

    def save_through_action(self, request, obj, form, formsets, change):
        data = form.cleaned_data
        actor = Actor.agent(request.user)
        if change:
            return keys.set_rate_limit(actor=actor, api_key=obj, rate_limit=data.get("rate_limit"))
        api_key, raw = keys.issue_key(
            actor=actor, authority=data["authority"], application=data["application"],
            scopes=data["scopes"], rate_limit=data.get("rate_limit"),
        )  # fmt: skip
        request._issued_api_key = (api_key, raw)  # shown once by response_add, never stored
        return api_key

    def response_add(self, request, obj, post_url_continue=None):
        """The key text, on this page only: it is never stored, and cannot be shown again."""
        api_key, raw = request._issued_api_key
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "api_key": api_key,
            "raw_key": raw,
            "title": "Clé d'API délivrée",
        }
        response = TemplateResponse(request, "admin/api/apikey/issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Révoquer les clés sélectionnées")
    def revoke(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            keys.revoke_key(actor=Actor.agent(request.user), api_key=api_key)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(n)d clé révoquée.", "%(n)d clés révoquées.", revoked) % {"n": revoked},
            messages.SUCCESS,
        )
