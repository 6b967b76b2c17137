"""« Je ne sais pas quel service choisir »: the person describes their need in their own
words; the request is filed under the triage service, which orients it (ADR 0028)."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from guichet.cases.actions import IntakeError, file_free_text
from guichet.catalogue.free_text import DESCRIPTION_MAX
from guichet.catalogue.models import Channel
from guichet.people.actions import Applicant, IdentifierError, PeopleError
from guichet.portal.forms import ContactForm
from guichet.portal.session import current_person, remember_tracked
from guichet.portal.views._common import page
from guichet.portal.views.intake import PORTAL
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_by_code, communes_by_postcode, search_communes

TITLE = "Je ne sais pas quel service choisir"


class FreeTextForm(forms.Form):
    description = forms.CharField(
        label="Décrivez votre demande", max_length=DESCRIPTION_MAX, widget=forms.Textarea,
        help_text="Avec vos mots : ce qui se passe, depuis quand. Un agent ou le tri "
        "automatique la transmet au bon service.",
        error_messages={"required": "Décrivez votre demande."},
    )  # fmt: skip
    commune = forms.CharField(
        label="Commune concernée", max_length=120,
        help_text="Son nom, son code postal ou son code INSEE.",
        error_messages={"required": "Indiquez la commune concernée."},
    )  # fmt: skip
    adresse = forms.CharField(
        label="Adresse ou lieu précis", max_length=300, required=False,
        help_text="Par exemple : devant le 12 rue Houdan.",
    )  # fmt: skip

    def clean_commune(self) -> Commune:
        text = self.cleaned_data["commune"].strip()
        if text.isdigit() and len(text) == 5:
            found = [c for c in [commune_by_code(text)] if c] or communes_by_postcode(text)
        else:
            found = [c for c in search_communes(text, limit=10) if c.kind == Commune.Kind.CURRENT]
            exact = [c for c in found if c.name.casefold() == text.casefold()]
            found = exact if len(exact) == 1 else found
        if not found:
            raise forms.ValidationError("Aucune commune ne correspond : vérifiez son nom.")
        if len(found) > 1:
            names = ", ".join(f"{c.name} ({c.code})" for c in found[:5])
            raise forms.ValidationError(
                f"Plusieurs communes correspondent : {names}. Saisissez son code INSEE."
            )
        return found[0]


@require_http_methods(["GET", "POST"])
def free_text(request):
    person = current_person(request)
    bound = request.method == "POST"
    form = FreeTextForm(request.POST if bound else None)
    contact = None if person else ContactForm(request.POST if bound else None, prefix="contact")
    context = {"title": TITLE, "form": form, "contact": contact, "signed_in_person": person}
    if not bound:
        return page(request, "portal/free_text.html", context)
    general: list[str] = []
    if form.is_valid() and (contact is None or contact.is_valid()):
        data = form.cleaned_data
        if person is not None:
            applicant = Applicant(person=person)
        else:
            known = contact.cleaned_data  # type: ignore[union-attr]
            applicant = Applicant(
                first_name=known["first_name"], last_name=known["last_name"],
                email=known["email"] or None, phone=known["phone"] or None,
                commune=data["commune"],
            )  # fmt: skip
        try:
            filed = file_free_text(
                applicant=applicant, channel=Channel.WEB, description=data["description"],
                registrar=PORTAL, commune=data["commune"], address=data["adresse"],
            )  # fmt: skip
        except IntakeError as refused:
            general = [m for messages in refused.errors.values() for m in messages]
        except (IdentifierError, PeopleError) as refused:
            general = [str(refused)]
        else:
            remember_tracked(request, filed)
            return redirect("portal:receipt", reference=filed.reference)
    summary = [
        (bound_form[name].id_for_label, bound_form[name].label, message)
        for bound_form in (form, contact)
        if bound_form is not None
        for name, messages in bound_form.errors.items()
        for message in messages
    ]
    return page(
        request, "portal/free_text.html",
        context | {"summary": summary, "general_errors": general}, status=400,
    )  # fmt: skip
