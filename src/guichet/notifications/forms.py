"""Forms of the notification screens: a broadcast, an authority's message template.

They only parse the input; the rules (territory, channels, safe variables) are checked by the
actions, whose French errors are put back on the fields.
"""

from __future__ import annotations

from django import forms

from guichet.notifications.models import Channel, MessageTemplate
from guichet.people.models import Category


class _AnyIds(forms.MultipleChoiceField):
    """A multiple choice whose values are checked later (the action names what is wrong)."""

    def valid_value(self, value) -> bool:
        return True


class BroadcastForm(forms.Form):
    message = forms.CharField(
        label="Message", required=False, strip=True,
        widget=forms.Textarea(attrs={"rows": 5, "class": "fr-input"}),
        help_text="Il suit « Bonjour {nom}, » dans le courriel et le nom de la collectivité "
        "dans le SMS. Un lien de désabonnement est ajouté.",
    )  # fmt: skip
    channels = forms.MultipleChoiceField(
        label="Canaux", required=False, choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Canal inconnu : « %(value)s »."},
    )  # fmt: skip
    communes = _AnyIds(
        label="Communes", required=False,
        help_text="Aucune commune choisie : tout le territoire. Ctrl+clic pour en choisir plusieurs.",
        widget=forms.SelectMultiple(attrs={"class": "fr-select", "size": 8}),
    )  # fmt: skip
    categories = forms.MultipleChoiceField(
        label="Catégories d'usagers", required=False, choices=Category.choices,
        help_text="Aucune catégorie choisie : toutes.", widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Catégorie inconnue : « %(value)s »."},
    )  # fmt: skip

    def __init__(self, *args, communes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communes"].choices = [
            (
                str(c.pk),
                c.name if c.kind == c.Kind.CURRENT else f"{c.name} ({c.get_kind_display()})",
            )
            for c in communes
        ]

    def segment(self) -> dict:
        """The parsed input as `check_broadcast` takes it (call after is_valid())."""
        data = self.cleaned_data
        return {
            "message": data.get("message", ""),
            "channels": data.get("channels", []),
            "communes": data.get("communes", []),
            "categories": data.get("categories", []),
        }


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "text", "sms"]
        widgets = {
            "subject": forms.TextInput(attrs={"class": "fr-input"}),
            "text": forms.Textarea(attrs={"class": "fr-input", "rows": 8}),
            "sms": forms.Textarea(attrs={"class": "fr-input", "rows": 3}),
        }
        help_texts = {
            "subject": "Vide : le texte par défaut.",
            "text": "Vide : le texte par défaut.",
            "sms": "Vide : le texte par défaut.",
        }
