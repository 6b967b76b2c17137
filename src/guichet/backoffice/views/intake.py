"""Counter, phone and paper-mail intake: find or create the person, then file the request."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from guichet.authorities.access import authority_ids_for
from guichet.authorities.competence import who_handles
from guichet.backoffice import counter, selectors
from guichet.backoffice.forms import INTAKE_CHANNELS, IntakeChoiceForm, PersonForm, PersonSearchForm
from guichet.backoffice.views._common import agent_required
from guichet.cases.actions import IntakeError, file_request
from guichet.catalogue import presentation
from guichet.catalogue.formdef import InvalidFormDefinition
from guichet.catalogue.free_text import TRIAGE_SERVICE, triage_service
from guichet.catalogue.models import Channel
from guichet.catalogue.selectors import published_services, service_by_slug
from guichet.core.journal import Actor
from guichet.people import access, events
from guichet.people.actions import Applicant, PeopleError, find_or_create_person
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_by_code, search_communes

LETTER = "courrier"


def _channel(http) -> str:
    channel = http.GET.get("canal") or http.POST.get("canal") or "counter"
    return channel if channel in INTAKE_CHANNELS else "counter"


def _context(http, **extra) -> dict:
    channel = _channel(http)
    return {
        "title": "Nouvelle demande", "nav": "intake", "channel": channel,
        "channel_label": INTAKE_CHANNELS[channel], "channels": INTAKE_CHANNELS, **extra,
    }  # fmt: skip


@agent_required
def intake(http):
    """Step 1: find the person (name, e-mail, phone, request reference) or create them.

    Beyond the people of the agent's authorities, only an exact e-mail or phone finds someone,
    shown just enough to be recognised, and the access is journaled (ADR 0017)."""
    search = PersonSearchForm(http.GET if "q" in http.GET else None)
    found = None
    if search.is_bound and search.is_valid():
        query = search.cleaned_data["q"]
        by_reference = selectors.persons_by_reference(http.user, query)
        found = (
            access.CounterSearch(visible=by_reference, recognised=[])
            if by_reference
            else counter.look_up(http.user, query, reason=events.FILING_AT_COUNTER)
        )
    return render(
        http, "backoffice/intake_person.html",
        _context(http, search=search, found=found, person_form=PersonForm(auto_id="id_p_%s")),
    )  # fmt: skip


@require_POST
@agent_required
def intake_person(http):
    """Create the person typed in (a likely duplicate is flagged for review, not refused)."""
    form = PersonForm(http.POST, auto_id="id_p_%s")
    commune = None
    if form.is_valid() and form.cleaned_data["commune"]:
        communes = _communes(form.cleaned_data["commune"])
        if len(communes) != 1:
            form.add_error("commune", _commune_problem(communes))
        else:
            commune = communes[0]
    if not form.is_valid():
        return render(
            http, "backoffice/intake_person.html",
            _context(http, search=PersonSearchForm(), found=None, person_form=form), status=400,
        )  # fmt: skip
    data = form.cleaned_data
    try:
        result = find_or_create_person(
            actor=Actor.agent(http.user), email=data["email"], phone=data["phone"],
            first_name=data["first_name"], last_name=data["last_name"], channel=_channel(http),
            address=data["address"], commune=commune,
        )  # fmt: skip
    except PeopleError as refused:
        form.add_error(None, str(refused))
        return render(
            http, "backoffice/intake_person.html",
            _context(http, search=PersonSearchForm(), found=None, person_form=form), status=400,
        )  # fmt: skip
    if result.suspicion is not None:
        messages.warning(
            http, f"Cette fiche ressemble à une autre ({result.suspicion.reason}) : "
            "un doublon présumé est signalé pour vérification.",
        )  # fmt: skip
    return redirect(_request_url(result.person.pk, _channel(http)))


def _request_url(person_pk: int, channel: str, **params) -> str:
    query = urlencode({"personne": person_pk, "canal": channel, **params})
    return f"{reverse('backoffice:intake_request')}?{query}"


def _communes(text: str) -> list[Commune]:
    text = text.strip()
    if len(text) == 5 and text[:2].isalnum() and text[2:].isdigit():
        commune = commune_by_code(text)
        return [commune] if commune else []
    matches = [c for c in search_communes(text, limit=10) if c.kind == Commune.Kind.CURRENT]
    exact = [c for c in matches if c.name.casefold() == text.casefold()]
    return exact if len(exact) == 1 else matches


def _commune_problem(communes: list[Commune]) -> str:
    if not communes:
        return "Aucune commune ne correspond : saisissez son code INSEE ou son nom exact."
    return (
        "Plusieurs communes correspondent : "
        + ", ".join(f"{c.name} ({c.code})" for c in communes)
        + ". Saisissez le code INSEE."
    )


def _services(channel: str) -> list:
    return [
        s for s in published_services()
        if s.accepts_requests and (not s.channels or channel in s.channels)
    ]  # fmt: skip


@agent_required
def intake_request(http):
    """Step 2: the service and the commune (who handles it there?), then the service's form.

    For a person the agent may see, or reached at the counter by an exact e-mail or phone (or
    whose record they created) in the last hours; the latter shown just enough to recognise."""
    person = selectors.person_or_none(http.GET.get("personne"))
    authority_ids = authority_ids_for(http.user)
    visible = person is not None and access.is_visible(authority_ids, person)
    if person is None or not (visible or access.counter_access_open(http.user.pk, person)):
        raise Http404(access.NOT_FOUND)
    channel = _channel(http)
    services = _services(channel)
    # the person describes a need no service obviously matches: the triage picks it (ADR 0028)
    unknown = (TRIAGE_SERVICE, "Je ne sais pas quel service (description libre, tri automatique)")
    choice = IntakeChoiceForm(
        http.GET if "service" in http.GET else None,
        services=[unknown, *((s.slug, s.name) for s in services)],
        initial={"commune": person.commune.code if visible and person.commune else ""},
    )
    shown = person if visible else access.recognition(person)
    context = _context(http, person=shown, choice=choice, person_visible=visible)
    if not choice.is_bound or not choice.is_valid():
        return render(http, "backoffice/intake_request.html", context)
    slug = choice.cleaned_data["service"]
    service = triage_service() if slug == TRIAGE_SERVICE else service_by_slug(slug)
    communes = _communes(choice.cleaned_data["commune"])
    if service is None or len(communes) != 1:
        if len(communes) != 1:
            choice.add_error("commune", _commune_problem(communes))
        return render(http, "backoffice/intake_request.html", context, status=400)
    commune = communes[0]
    competence = who_handles(service, commune)
    context.update(service=service, commune=commune, competence=competence)
    if not competence.available:
        context["refusal"] = competence.reason
        return render(http, "backoffice/intake_request.html", context)
    errors: dict[str, list[str]] = {}
    if http.method == "POST":
        try:
            case = file_request(
                service=service, applicant=Applicant(person=person), channel=channel,
                actor=Actor.agent(http.user),
                form_data=http.POST, files=http.FILES, letter=http.FILES.getlist(LETTER) or None,
                commune=commune, filed_by=http.user, competence=competence,
            )  # fmt: skip
        except IntakeError as refused:
            errors = refused.errors
        except InvalidFormDefinition as broken:
            errors = {"__all__": [f"Le formulaire de ce service est mal défini : {broken}"]}
        else:
            messages.success(
                http, f"Demande {case.reference} enregistrée et transmise à {case.authority.name}."
            )
            if channel == Channel.COUNTER:
                # the person is at the desk: give them their receipt
                return redirect("backoffice:receipt", pk=case.pk)
            if case.authority_id in authority_ids:
                return redirect("backoffice:request", pk=case.pk)
            return redirect("backoffice:home")
    try:
        fields = presentation.form_fields(
            service.form_definition, http.POST if http.method == "POST" else None, errors
        )
    except InvalidFormDefinition as broken:
        fields, errors = [], {"__all__": [f"Le formulaire de ce service est mal défini : {broken}"]}
    known = {f.name for f in fields}
    context.update(
        fields=fields,
        other_errors=[m for name, ms in errors.items() if name not in known | {LETTER} for m in ms],
        letter_errors=errors.get(LETTER, []),
        needs_letter=channel == "mail",
        has_errors=bool(errors),
    )
    return render(http, "backoffice/intake_request.html", context, status=400 if errors else 200)
