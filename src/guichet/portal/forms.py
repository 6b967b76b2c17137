"""The portal's fixed forms (contact, tracking, reply, sign-in). Form definitions of services
are rendered by `dynamic.py` and checked by `catalogue.validation`."""

from __future__ import annotations

from django import forms

from guichet.cases.references import normalise_reference
from guichet.people.identifiers import IdentifierError, normalise_email, normalise_phone

NO_CONTACT = (
    "Indiquez au moins un moyen de vous joindre : une adresse électronique ou un numéro "
    "de téléphone."
)


class AddressForm(forms.Form):
    q = forms.CharField(
        label="Votre adresse, votre code postal ou votre commune",
        help_text="Par exemple : 12 rue Houdan 92330 Sceaux, 92330 ou Sceaux",
        max_length=200,
        error_messages={"required": "Indiquez votre adresse, un code postal ou une commune."},
    )


class ContactForm(forms.Form):
    """How to reach a person who is not signed in; at least an e-mail or a phone."""

    first_name = forms.CharField(label="Prénom", max_length=120)
    last_name = forms.CharField(label="Nom", max_length=120)
    email = forms.CharField(
        label="Adresse électronique",
        required=False,
        max_length=254,
        help_text="Format attendu : nom@domaine.fr",
    )
    phone = forms.CharField(
        label="Téléphone", required=False, max_length=40, help_text="Par exemple : 06 12 34 56 78"
    )

    def clean_email(self) -> str:
        return _identifier(self.cleaned_data["email"], normalise_email)

    def clean_phone(self) -> str:
        return _identifier(self.cleaned_data["phone"], normalise_phone)

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error("email", NO_CONTACT)
        return cleaned


class TrackingForm(forms.Form):
    reference = forms.CharField(
        label="Référence de la demande", max_length=40, help_text="Par exemple : K7X4-M2QP-Z9"
    )
    factor = forms.CharField(
        label="Adresse électronique ou téléphone",
        max_length=254,
        help_text="Celle ou celui que vous avez donné en déposant la demande.",
    )

    def clean_reference(self) -> str:
        reference = normalise_reference(self.cleaned_data["reference"])
        if reference is None:
            raise forms.ValidationError("Cette référence n'a pas le bon format (ex. K7X4-M2QP-Z9).")
        return reference


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": "Écrivez votre réponse."},
    )


class SignInForm(forms.Form):
    email = forms.CharField(
        label="Adresse électronique", max_length=254, help_text="Format attendu : nom@domaine.fr"
    )

    def clean_email(self) -> str:
        return _identifier(self.cleaned_data["email"], normalise_email)


def _identifier(value: str, normalise) -> str:
    if not value:
        return ""
    try:
        return normalise(value)
    except IdentifierError as invalid:
        raise forms.ValidationError(str(invalid)) from None
