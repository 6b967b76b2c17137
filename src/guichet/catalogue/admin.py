import json

from django import forms
from django.contrib import admin

from guichet.catalogue.actions import EDITABLE_FIELDS, save_service
from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition
from guichet.catalogue.models import Category, Channel, Service, WorkflowDefinition
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
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = ["name", "category", "level", "kind", "sla_working_days", "is_active"]
    list_filter = ["is_active", "level", "kind", "category"]
    search_fields = ["name", "slug", "keywords"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        # the form already put the values on obj; save_service checks, saves and journals
        changes = {
            name: getattr(obj, name) for name in form.changed_data if name in EDITABLE_FIELDS
        }
        save_service(service=obj, actor=Actor.agent(request.user), **changes)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "icon", "position"]
    prepopulated_fields = {"slug": ["name"]}


class WorkflowDefinitionAdminForm(forms.ModelForm):
    definition = IndentedJSONField(
        label="définition",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "style": "font-family: monospace"}),
    )

    class Meta:
        model = WorkflowDefinition
        fields = ["slug", "name", "definition"]


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(admin.ModelAdmin):
    form = WorkflowDefinitionAdminForm
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
