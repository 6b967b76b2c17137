"""Services and categories, saved through the catalogue's actions.

Workflow definitions are edited in the cases admin: the workflow engine that checks them
lives there (`cases.workflow`), above the catalogue.
"""

import json

from django import forms
from django.contrib import admin

from guichet.catalogue.actions import CATEGORY_FIELDS, EDITABLE_FIELDS, save_category, save_service
from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition
from guichet.catalogue.models import Category, Channel, Service, ServiceVersion
from guichet.core.admin import ThroughActionAdmin, changes_of
from guichet.core.journal import Actor


class IndentedJSONField(forms.JSONField):
    """JSON shown indented, so an administrator can read and edit a form definition."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class ServiceAdminForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label="canaux acceptés",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    form_definition = IndentedJSONField(
        label="formulaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "style": "font-family: monospace"}),
        help_text="Liste JSON des champs ; chaque champ a un nom, un libellé et un type.",
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "slug",
            "category",
            "kind",
            "level",
            "summary",
            "description",
            "required_documents",
            "channels",
            "sla_working_days",
            "keywords",
            "workflow",
            "form_definition",
            "is_active",
        ]

    def clean_form_definition(self):
        value = self.cleaned_data.get("form_definition")
        try:
            return parse_form_definition(value).to_json()
        except InvalidFormDefinition as error:
            raise forms.ValidationError(error.errors) from None


@admin.register(Service)
class ServiceAdmin(ThroughActionAdmin):
    """Services are withdrawn (unticked "active"), never deleted: requests point to them."""

    form = ServiceAdminForm
    list_display = ["name", "category", "level", "kind", "sla_working_days", "is_active"]
    list_filter = ["is_active", "level", "kind", "category"]
    search_fields = ["name", "slug", "keywords"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # the slug is the service's identity in URLs, routing rules and the journal
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def save_through_action(self, request, obj, form, formsets, change):
        # the form already put the values on obj; save_service checks, saves and journals
        changes = {
            name: getattr(obj, name) for name in form.changed_data if name in EDITABLE_FIELDS
        }
        return save_service(service=obj, actor=Actor.agent(request.user), **changes)


@admin.register(Category)
class CategoryAdmin(ThroughActionAdmin):
    """Categories are never deleted here: services belong to them."""

    list_display = ["name", "slug", "icon", "position"]
    list_editable = ["position"]
    fields = ["name", "slug", "icon", "position"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]} if obj is None else {}

    def save_through_action(self, request, obj, form, formsets, change):
        return save_category(
            category=obj, actor=Actor.agent(request.user), **changes_of(form, CATEGORY_FIELDS)
        )


@admin.register(ServiceVersion)
class ServiceVersionAdmin(admin.ModelAdmin):
    """The publication log, read only: versions are written by `catalogue.versions` (ADR 0027)."""

    list_display = ["service", "number", "status", "published_at", "published_by", "note"]
    list_filter = ["status"]
    search_fields = ["service__name", "service__slug", "note"]
    list_select_related = ["service"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
