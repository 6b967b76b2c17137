"""Platform administration of requests: browse them, edit routing rules and workflows.

Requests, messages and attachments are read-only here: they change through the actions (and
the journal) only, from the back office. Routing rules and workflow definitions are
configuration an administrator edits, through `cases.actions.configuration`: each save or
deletion is checked and journalled like any other write.
"""

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from guichet.cases.actions import configuration
from guichet.cases.models import Attachment, Message, Request, RoutingRule
from guichet.cases.references import normalise_reference
from guichet.cases.selectors import timeline
from guichet.catalogue.models import WorkflowDefinition
from guichet.core.admin import Formsets, ReadOnlyAdmin, ThroughActionAdmin
from guichet.core.journal import Actor


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin[Request]):
    list_display = (
        "reference", "summary", "service", "authority", "state", "channel", "received_at",
        "due_at",
    )  # fmt: skip
    list_filter = ("authority", "service", "state", "public_status", "channel")
    list_select_related = ("service", "authority")
    search_fields = ("reference", "summary")
    date_hierarchy = "received_at"
    show_full_result_count = False
    exclude = ("tracking_secret", "related")
    readonly_fields = ("history",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Request], search_term: str
    ) -> tuple[QuerySet[Request], bool]:
        # A reference typed loosely (lower case, spaces, O for 0) still finds its request.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        canonical = normalise_reference(search_term) if search_term else None
        if canonical:
            results = results | queryset.filter(reference=canonical)
        return results, may_have_duplicates

    @admin.display(description="historique")
    def history(self, obj: Request) -> str:
        events = timeline(obj)
        if not events:
            return "—"
        rows = format_html_join(
            "",
            "<li>{} — {} ({}{})</li>",
            (
                (
                    f"{event.occurred_at:%d/%m/%Y %H:%M}",
                    event.kind,
                    event.resource,
                    f", {event.channel}" if event.channel else "",
                )
                for event in events
            ),
        )
        return format_html("<ol>{}</ol>", rows)


class RoutingRuleForm(forms.ModelForm[RoutingRule]):
    class Meta:
        model = RoutingRule
        fields = [
            "authority", "position", "team", "service", "service_category", "person_category",
            "communes", "areas", "field_name", "field_value", "is_active",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        areas, authority = cleaned.get("areas"), cleaned.get("authority")
        if areas and authority is not None and any(a.authority_id != authority.pk for a in areas):
            self.add_error("areas", "Ce secteur appartient à une autre collectivité.")
        return cleaned

    # Django's private form API (the hook after the values are put on the instance), which
    # django-stubs does not describe.
    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # puts the posted values on the rule
        try:  # then the action's own check
            configuration.check_routing_rule(self.instance)
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ThroughActionAdmin[RoutingRule]):
    form = RoutingRuleForm
    list_display = (
        "authority", "position", "team", "service", "service_category", "person_category",
        "field_name", "field_value", "is_active",
    )  # fmt: skip
    list_display_links = ("authority",)
    list_editable = ("position", "is_active")
    list_filter = ("authority", "is_active")
    list_select_related = ("authority", "team", "service", "service_category")
    ordering = ("authority__name", "position", "id")
    autocomplete_fields = ("communes",)
    filter_horizontal = ("areas",)
    search_fields = ("authority__name", "team__name", "field_name")

    def save_through_action(
        self,
        request: HttpRequest,
        obj: RoutingRule,
        form: forms.ModelForm[RoutingRule],
        formsets: Formsets,
        change: bool,
    ) -> RoutingRule:
        communes = form.cleaned_data.get("communes") if "communes" in form.changed_data else None
        areas = form.cleaned_data.get("areas") if "areas" in form.changed_data else None
        return configuration.save_routing_rule(
            actor=Actor.agent(request.user), rule=obj, communes=communes, areas=areas
        )

    def delete_through_action(self, request: HttpRequest, obj: RoutingRule) -> None:
        configuration.delete_routing_rule(actor=Actor.agent(request.user), rule=obj)


class IndentedJSONField(forms.JSONField):
    """JSON shown indented, so an administrator can read and edit a definition."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class WorkflowDefinitionForm(forms.ModelForm[WorkflowDefinition]):
    definition = IndentedJSONField(
        label="définition",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "style": "font-family: monospace"}),
    )

    class Meta:
        model = WorkflowDefinition
        fields = ["slug", "name", "definition"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if isinstance(cleaned.get("definition"), dict):
            try:
                configuration.check_workflow_definition(self.instance, cleaned["definition"])
            except ValidationError as error:
                self.add_error("definition", error)
        elif "definition" in cleaned:
            self.add_error("definition", "La définition est un objet JSON {states, transitions}.")
        return cleaned


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(ThroughActionAdmin[WorkflowDefinition]):
    """Never deleted here: services follow them and requests sit in their states."""

    form = WorkflowDefinitionForm
    list_display = ["name", "slug"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: WorkflowDefinition | None = None
    ) -> list[str]:
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: WorkflowDefinition | None = None
    ) -> dict[str, Sequence[str]]:
        return {"slug": ["name"]} if obj is None else {}

    def save_through_action(
        self,
        request: HttpRequest,
        obj: WorkflowDefinition,
        form: forms.ModelForm[WorkflowDefinition],
        formsets: Formsets,
        change: bool,
    ) -> WorkflowDefinition:
        return configuration.save_workflow_definition(
            actor=Actor.agent(request.user),
            definition=obj,
            name=form.cleaned_data["name"],
            document=form.cleaned_data["definition"],
        )


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin[Message]):
    list_display = ("request", "author_type", "author_user", "is_internal", "channel", "created_at")
    list_filter = ("author_type", "is_internal", "channel")
    list_select_related = ("request", "author_user")
    search_fields = ("request__reference", "body")
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin[Attachment]):
    list_display = ("original_name", "request", "content_type", "size", "field_name", "is_internal")
    list_filter = ("content_type", "is_internal")
    list_select_related = ("request",)
    search_fields = ("request__reference", "original_name")
    show_full_result_count = False
