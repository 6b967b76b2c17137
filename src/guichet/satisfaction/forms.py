"""The survey form (portal) and the period filter of the scores page (back office)."""

from __future__ import annotations

from django import forms

SCORE_CHOICES = [
    ("1", "1 — très insatisfait"),
    ("2", "2 — insatisfait"),
    ("3", "3 — moyennement satisfait"),
    ("4", "4 — satisfait"),
    ("5", "5 — très satisfait"),
]
YES_NO = [("oui", "Oui"), ("non", "Non")]


class SurveyForm(forms.Form):
    resolved = forms.ChoiceField(
        label="Votre demande a-t-elle été résolue ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Indiquez si votre demande a été résolue.",
            "invalid_choice": "Répondez par oui ou par non.",
        },
    )
    score = forms.TypedChoiceField(
        label="Quelle est votre satisfaction, de 1 à 5 ?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une note de 1 à 5.",
            "invalid_choice": "La note doit être comprise entre 1 et 5.",
        },
    )
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        help_text="Si ce n'est pas résolu, dites-nous ce qui manque : votre demande pourra être "
        "rouverte.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "fr-input"}),
        error_messages={"max_length": "Le commentaire ne doit pas dépasser 2 000 caractères."},
    )
    may_contact = forms.BooleanField(
        label="J'accepte que la collectivité me recontacte au sujet de ma réponse",
        required=False,
    )

    def cleaned_answer(self) -> dict:
        data = self.cleaned_data
        return {
            "resolved": data["resolved"] == "oui",
            "score": data["score"],
            "comment": data["comment"],
            "may_contact": data["may_contact"],
        }


class PeriodForm(forms.Form):
    since = forms.DateField(
        label="Depuis le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}),
        error_messages={"invalid": "Date invalide (AAAA-MM-JJ)."},
    )
    until = forms.DateField(
        label="Jusqu'au (inclus)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}),
        error_messages={"invalid": "Date invalide (AAAA-MM-JJ)."},
    )
