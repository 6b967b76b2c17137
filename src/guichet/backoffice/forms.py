"""The back office's forms: they check what was typed; the actions decide what is allowed."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from guichet.cases import phases
from guichet.cases.models import PublicStatus
from guichet.cases.workflow import DEFAULT_STATES
from guichet.catalogue.models import Channel
from guichet.people.identifiers import IdentifierError, normalise_email, normalise_phone

REQUIRED = {"required": "Ce champ est obligatoire."}
# django-dsfr's own checkbox and radio snippets need django-widget-tweaks in INSTALLED_APPS.
CHECKBOX = "backoffice/includes/checkbox_field.html"
RADIOS = "backoffice/includes/radio_field.html"
CONTACT_CHANNELS = [
    (Channel.PHONE.value, "l'usager a appelé"),
    (Channel.COUNTER.value, "l'usager est venu à l'accueil"),
    (Channel.EMAIL.value, "l'usager a écrit un courriel"),
    (Channel.MAIL.value, "l'usager a écrit un courrier"),
    (Channel.SMS.value, "l'usager a envoyé un SMS"),
    (Channel.WEB.value, "l'usager a écrit depuis le portail"),
]
INTAKE_CHANNELS = {
    Channel.COUNTER.value: "accueil physique (guichet)",
    Channel.PHONE.value: "téléphone",
    Channel.MAIL.value: "courrier papier",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the actions check their type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _choices(blank: str, pairs) -> list[tuple[str, str]]:
    return [("", blank), *[(str(value), label) for value, label in pairs]]


class QueueFilterForm(DsfrBaseForm):
    q = forms.CharField(label="Référence ou nom", required=False, max_length=100)
    state = forms.ChoiceField(label="État", required=False)
    public_status = forms.ChoiceField(label="Statut", required=False)
    service = forms.TypedChoiceField(label="Service", required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label="Équipe", required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label="Canal", required=False)
    overdue = forms.BooleanField(
        label="En retard seulement", required=False, template_name=CHECKBOX
    )
    mine = forms.BooleanField(
        label="Qui me sont attribuées", required=False, template_name=CHECKBOX
    )
    closed = forms.BooleanField(
        label="Inclure les demandes terminées", required=False, template_name=CHECKBOX
    )

    def __init__(self, *args, services=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = _choices(
            "Tous les états", [(s.name, s.label) for s in DEFAULT_STATES]
        )
        # the agents' wording of each phase (« en attente de l'usager », not the person's
        # « action attendue de votre part »)
        self.fields["public_status"].choices = _choices(
            "Tous", [(value, phases.agent_label(value)) for value in PublicStatus.values]
        )
        self.fields["service"].choices = _choices("Tous les services", services)
        self.fields["team"].choices = _choices("Toutes les équipes", teams)
        self.fields["channel"].choices = _choices("Tous les canaux", Channel.choices)


class TransitionForm(DsfrBaseForm):
    to = forms.CharField(widget=forms.HiddenInput, max_length=32, error_messages=REQUIRED)
    expected_state = forms.CharField(widget=forms.HiddenInput, max_length=32)
    note = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MessageForm(DsfrBaseForm):
    body = forms.CharField(
        label="Message à l'usager", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=REQUIRED,
    )  # fmt: skip
    pieces_jointes = MultipleFileField(
        label="Pièces jointes",
        help_text="PDF ou images, 10 Mo au plus chacune, 5 fichiers au plus.",
    )


class NoteForm(DsfrBaseForm):
    body = forms.CharField(
        label="Note interne (jamais montrée à l'usager)", max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}), error_messages=REQUIRED,
    )  # fmt: skip


class AssignForm(DsfrBaseForm):
    team = forms.TypedChoiceField(label="Équipe", coerce=int, error_messages=REQUIRED)
    assignee = forms.TypedChoiceField(label="Agent", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams=(), agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = _choices("Choisir une équipe", teams)
        self.fields["assignee"].choices = _choices("Personne en particulier", agents)


class HandOffForm(DsfrBaseForm):
    authority = forms.TypedChoiceField(
        label="Collectivité destinataire", coerce=int, error_messages=REQUIRED
    )
    reason = forms.CharField(
        label="Motif du transfert", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Indiquez le motif du transfert."},
    )  # fmt: skip

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = _choices("Choisir une collectivité", authorities)


class ContactForm(DsfrBaseForm):
    channel = forms.ChoiceField(
        label="Comment l'usager a-t-il demandé où en est sa demande ?",
        choices=_choices("Choisir", CONTACT_CHANNELS), error_messages=REQUIRED,
    )  # fmt: skip
    note = forms.CharField(label="Précisions", required=False, max_length=2000)


class LinkForm(DsfrBaseForm):
    reference = forms.CharField(
        label="Référence de l'autre demande", max_length=20, error_messages=REQUIRED
    )
    kind = forms.ChoiceField(
        label="Nature du lien",
        choices=[("related", "demande liée"), ("duplicate", "cette demande est un doublon de l'autre")],
        widget=forms.RadioSelect, initial="related", error_messages=REQUIRED, template_name=RADIOS,
    )  # fmt: skip


class PersonSearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Rechercher un usager", max_length=120, error_messages=REQUIRED,
        help_text="Nom, courriel ou téléphone complet, ou référence d'une demande.",
    )  # fmt: skip


class PersonForm(DsfrBaseForm):
    first_name = forms.CharField(label="Prénom", max_length=120, error_messages=REQUIRED)
    last_name = forms.CharField(label="Nom", max_length=120, error_messages=REQUIRED)
    email = forms.CharField(label="Courriel", required=False, max_length=254)
    phone = forms.CharField(label="Téléphone", required=False, max_length=40)
    address = forms.CharField(label="Adresse", required=False, max_length=300)
    commune = forms.CharField(
        label="Commune de résidence", required=False, max_length=120,
        help_text="Code INSEE ou nom de la commune.",
    )  # fmt: skip

    def clean_email(self):
        return _identifier(self.cleaned_data["email"], normalise_email)

    def clean_phone(self):
        return _identifier(self.cleaned_data["phone"], normalise_phone)


def _identifier(text: str, normalise) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return normalise(text)
    except IdentifierError as error:
        raise forms.ValidationError(str(error)) from None


class IntakeChoiceForm(DsfrBaseForm):
    service = forms.ChoiceField(label="Service demandé", error_messages=REQUIRED)
    commune = forms.CharField(
        label="Commune concernée", max_length=120, error_messages=REQUIRED,
        help_text="Code INSEE ou nom de la commune.",
    )  # fmt: skip

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = _choices("Choisir un service", services)
        self.fields["service"].error_messages["invalid_choice"] = "Ce service n'existe pas."
