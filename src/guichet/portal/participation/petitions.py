"""Petitions on the portal: the list, one petition (progress, signing, its obligation), starting
one, the public list of obligations, and reporting any contribution to the moderators."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.views.decorators.http import require_http_methods, require_POST

from guichet.authorities.models import Authority
from guichet.participation import moderation
from guichet.participation.actions import moderation as moderation_actions
from guichet.participation.actions import petitions as actions
from guichet.participation.refusals import Refused
from guichet.participation.selectors import petitions as reads
from guichet.people.models import Identity, Person
from guichet.portal.participation import participant
from guichet.portal.views._common import SeeOther, limited, not_found, page, too_many_tries

MAX_COSPONSORS = 10


def petitions(request):
    rows = list(reads.public_petitions()[:200])
    return page(request, "portal/participation/petition_list.html", {
        "title": "Pétitions", "petitions": rows,
    })  # fmt: skip


def petition(request, pk: int):
    person = participant(request)
    found = reads.petition_for(pk, person)
    if found is None:
        return not_found(request, "Cette pétition n'existe pas ou n'est pas publiée.")
    return _petition_page(request, found, person)


def _petition_page(request, found, person, *, error: str = "", status: int = 200):
    return page(request, "portal/participation/petition_detail.html", {
        "title": moderation.shown(found, "title"), "petition": found,
        "obligation": reads.obligation_of(found), "signed": reads.has_signed(found, person),
        "person": person, "error": error,
        "communes": ", ".join(c.name for c in found.communes.all()),
    }, status=status)  # fmt: skip


@require_POST
def sign(request, pk: int):
    person = participant(request)
    found = reads.petition_for(pk, person)
    if found is None:
        return not_found(request, "Cette pétition n'existe pas ou n'est pas publiée.")
    verdict = limited(request, "petition-sign", limit=60, window=60)
    if not verdict.allowed:
        return too_many_tries(request, verdict)
    if person is None:
        return _petition_page(
            request, found, None, status=403,
            error="Pour signer, connectez-vous ou confirmez votre adresse électronique.",
        )  # fmt: skip
    try:
        actions.sign(petition=found, person=person)
    except Refused as refused:
        found.refresh_from_db()
        return _petition_page(request, found, person, error=str(refused), status=409)
    messages.success(request, "Votre signature est enregistrée. Merci !")
    return SeeOther(actions.petition_path(found))


class PetitionForm(forms.Form):
    authority = forms.ModelChoiceField(
        label="Collectivité destinataire",
        queryset=Authority.objects.filter(is_active=True).exclude(kind="operator"),
        error_messages={
            "required": "Choisissez la collectivité à qui la pétition s'adresse.",
            "invalid_choice": "Choisissez une collectivité de la liste.",
        },
    )
    title = forms.CharField(label="Titre", max_length=actions.TITLE_MAX, required=False)
    text = forms.CharField(
        label="Texte de la pétition", widget=forms.Textarea, max_length=actions.TEXT_MAX,
        required=False,
    )  # fmt: skip
    days_open = forms.CharField(
        label="Durée de la signature (jours)", initial="90", required=False,
        help_text="Le nombre de jours pendant lesquels elle pourra être signée.",
    )  # fmt: skip
    cosponsors = forms.CharField(
        label="Co-auteurs (facultatif)", required=False, widget=forms.Textarea,
        help_text="Une adresse électronique par ligne : des personnes inscrites dont "
        "l'adresse est vérifiée.",
    )  # fmt: skip


def _cosponsors(text: str) -> tuple[list[Person], str]:
    emails = [line.strip().lower() for line in text.splitlines() if line.strip()]
    if len(emails) > MAX_COSPONSORS:
        return [], f"{MAX_COSPONSORS} co-auteurs au plus."
    people = []
    for email in emails:
        identity = (
            Identity.objects.filter(kind=Identity.Kind.EMAIL, value=email, verification__gt=0)
            .select_related("person")
            .first()
        )
        if identity is None:
            return [], f"{email} : aucune personne inscrite avec cette adresse vérifiée."
        people.append(identity.person)
    return people, ""


@require_http_methods(["GET", "POST"])
def start(request):
    person = participant(request)
    form = PetitionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        cosponsors, problem = _cosponsors(form.cleaned_data["cosponsors"])
        if problem:
            form.add_error("cosponsors", problem)
        elif person is None:
            form.add_error(None, "Pour lancer une pétition, connectez-vous avec une identité "
                           "vérifiée (FranceConnect ou vérification au guichet).")  # fmt: skip
        else:
            try:
                created = actions.submit_petition(
                    authority=form.cleaned_data["authority"], person=person,
                    title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                    days_open=form.cleaned_data["days_open"], cosponsors=cosponsors,
                )  # fmt: skip
            except Refused as refused:
                for name, errors in refused.errors.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(
                    request,
                    "Votre pétition est déposée : elle sera ouverte à la signature une fois "
                    "relue par les modérateurs.",
                )
                return SeeOther(actions.petition_path(created))
    if request.method == "POST":
        status = 400
    return page(request, "portal/participation/petition_form.html", {
        "title": "Lancer une pétition", "form": form, "person": person,
    }, status=status)  # fmt: skip


def obligations(request):
    return page(request, "portal/participation/petition_obligations.html", {
        "title": "Engagements de réponse aux pétitions", "obligations": reads.public_obligations(),
    })  # fmt: skip


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi signalez-vous cette contribution ?", widget=forms.Textarea,
        max_length=500, error_messages={"required": "Indiquez le motif du signalement."},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def report(request, kind: str, pk: int):
    contribution = moderation.find(f"participation.{kind}", pk)
    if contribution is None or moderation.authority_of(contribution) is None:
        return not_found(request, "Cette contribution n'existe pas.")
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        verdict = limited(request, "report", limit=10, window=600)
        if not verdict.allowed:
            return too_many_tries(request, verdict)
        if form.is_valid():
            try:
                moderation_actions.report(
                    contribution=contribution, reason=form.cleaned_data["reason"],
                    reporter=participant(request),
                )  # fmt: skip
            except Refused as refused:
                form.add_error(None, str(refused))
            else:
                return page(request, "portal/participation/petition_reported.html", {
                    "title": "Signalement envoyé",
                })  # fmt: skip
        status = 400
    return page(request, "portal/participation/petition_report.html", {
        "title": "Signaler une contribution", "form": form,
        "kind_label": moderation.kind_label(f"participation.{kind}"), "contribution": contribution,
    }, status=status)  # fmt: skip
