"""Platform administration of requests: browse them, and edit the routing rules.

Requests, messages and attachments are read-only here: they change through the actions (and
the journal) only, from the back office. Routing rules are configuration an administrator
edits; each save or deletion is journalled like any other write.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from guichet.cases.models import Attachment, Message, Request, RoutingRule
from guichet.cases.references import normalise_reference
from guichet.cases.selectors import timeline
from guichet.core import journal
from guichet.core.journal import Actor


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
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

    def get_search_results(self, request, queryset, search_term):
        # A reference typed loosely (lower case, spaces, O for 0) still finds its request.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        canonical = normalise_reference(search_term) if search_term else None
        if canonical:
            results = results | queryset.filter(reference=canonical)
        return results, may_have_duplicates

    @admin.display(description="historique")
    def history(self, obj):
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


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "authority", "position", "team", "service", "service_category", "person_category",
            "communes", "field_name", "field_value", "is_active",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        authority, team = cleaned.get("authority"), cleaned.get("team")
        if authority and team and team.authority_id != authority.pk:
            self.add_error("team", "Cette équipe appartient à une autre collectivité.")
        if cleaned.get("field_value") and not cleaned.get("field_name"):
            self.add_error("field_name", "Indiquez le champ du formulaire dont la valeur compte.")
        return cleaned


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
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
    search_fields = ("authority__name", "team__name", "field_name")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _journal("cases.routing_rule_saved", request, obj, created=not change)

    def delete_model(self, request, obj):
        _journal("cases.routing_rule_deleted", request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self.delete_model(request, rule)


def _journal(kind, http_request, rule, **payload):
    journal.append(
        kind=kind,
        actor=Actor.agent(http_request.user),
        authority_id=rule.authority_id,
        subject=rule,
        payload={"position": rule.position, "team": rule.team_id, **payload},
    )


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("request", "author_type", "author_user", "is_internal", "channel", "created_at")
    list_filter = ("author_type", "is_internal", "channel")
    list_select_related = ("request", "author_user")
    search_fields = ("request__reference", "body")
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "request", "content_type", "size", "field_name", "is_internal")
    list_filter = ("content_type", "is_internal")
    list_select_related = ("request",)
    search_fields = ("request__reference", "original_name")
    show_full_result_count = False
