"""The designer's forms: a service's public page, its creation, publication and import.

They only read and shape what was typed; the checks that matter are the catalogue's
(`catalogue.versions.check_content`), whose French errors by field land next to the inputs
(`add_draft_errors`).
"""

from __future__ import annotations

from typing import Any

from django import forms

from guichet.catalogue.models import Category, Channel, Level, Service
from guichet.catalogue.versions import AUDIENCES, FIELD_LABELS, DraftError

NUL = "Le texte contient un caractère nul : retirez-le."


class _Form(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, NUL)
        return cleaned


class PageForm(_Form):
    """The public page, the channels and the promise of a draft."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(label="Nom du service", max_length=200)
    summary = forms.CharField(label="En une phrase", max_length=300)
    description = forms.CharField(
        label="Description", required=False, max_length=20_000, widget=forms.Textarea
    )
    required_documents = forms.CharField(
        label="Pièces justificatives",
        help_text="Une pièce par ligne.",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    kind = forms.ChoiceField(label="Nature", choices=Service.Kind.choices)
    category = forms.ChoiceField(label="Catégorie")
    level = forms.ChoiceField(label="Niveau de compétence", choices=Level.choices)
    keywords = forms.CharField(label="Mots-clés", required=False, max_length=300)
    audience = forms.MultipleChoiceField(
        label="Qui peut demander",
        help_text="Rien de coché : tout le monde.",
        choices=list(AUDIENCES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label="Canaux acceptés",
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sla_working_days = forms.IntegerField(
        label="Délai promis (jours ouvrés)",
        required=False,
        min_value=1,
        max_value=365,
        error_messages={
            "min_value": "Le délai promis doit être compris entre 1 et 365 jours.",
            "max_value": "Le délai promis doit être compris entre 1 et 365 jours.",
            "invalid": "Un nombre entier de jours ouvrés est attendu.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(
            Category.objects.order_by("position", "name").values_list("slug", "name")
        )

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "summary": data["summary"],
            "description": data["description"],
            "required_documents": [
                line.strip() for line in data["required_documents"].splitlines() if line.strip()
            ],
            "kind": data["kind"],
            "category": data["category"],
            "level": data["level"],
            "keywords": data["keywords"],
            "audience": list(data["audience"]),
            "channels": list(data["channels"]),
            "sla_working_days": data["sla_working_days"],
        }

    @staticmethod
    def initial_of(content: dict[str, Any], revision: int) -> dict[str, Any]:
        return content | {
            "revision": revision,
            "required_documents": "\n".join(content.get("required_documents") or []),
            "audience": content.get("audience") or [],
        }


class CreateForm(_Form):
    name = forms.CharField(label="Nom du service", max_length=200)
    summary = forms.CharField(label="En une phrase", max_length=300, required=False)
    model = forms.CharField(required=False, widget=forms.HiddenInput)


class PublishForm(_Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label="Pourquoi publier cette version ?",
        help_text="Visible dans le journal des publications.",
        max_length=2000,
        error_messages={"required": "Indiquez pourquoi vous publiez cette version."},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RollbackForm(_Form):
    note = forms.CharField(
        label="Pourquoi revenir à cette version ?",
        max_length=2000,
        error_messages={"required": "Indiquez pourquoi vous revenez à cette version."},
    )


class ImportForm(forms.Form):
    document = forms.FileField(
        label="Document JSON du service",
        help_text="Un fichier exporté depuis Guichet (format guichet-catalogue/1), 2 Mo au plus.",
        error_messages={"required": "Choisissez le fichier JSON à importer."},
    )


def add_draft_errors(form: forms.Form, error: DraftError) -> list[str]:
    """Put the catalogue's errors next to the form's inputs; return those that belong to no
    input (shown above the form)."""
    general: list[str] = []
    for key, messages in error.errors.items():
        target = key if key in form.fields else None
        for message in messages:
            if target is None:
                label = FIELD_LABELS.get(key.split(".")[0])
                general.append(f"{label} : {message}" if label and key != "__all__" else message)
            else:
                form.add_error(target, message)
    return general
