"""Versions of a designed service: the publication log, publishing the draft with a note,
the diff between two versions, rollback, and test requests on the draft."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from guichet.backoffice.designer import selectors
from guichet.backoffice.designer.forms import PublishForm, RollbackForm
from guichet.backoffice.designer.views._common import designer_required, service_page
from guichet.backoffice.designer.views.migration import mapping_rows
from guichet.cases.actions import IntakeError, file_test_request
from guichet.catalogue.diff import diff, render_diff
from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition
from guichet.catalogue.presentation import form_fields
from guichet.catalogue.versions import (
    FIELD_LABELS,
    DraftError,
    StaleDraft,
    publication_log,
    publish,
    rollback,
)
from guichet.core.journal import Actor
from guichet.people.actions import create_person
from guichet.people.models import Identity, Person


def _problems(error: DraftError) -> list[dict[str, object]]:
    """The catalogue's errors, each with what it is about (a page field, the form, a state of
    the workflow)."""
    rows = []
    for key, items in error.errors.items():
        base, _, state = key.partition(".")
        about = FIELD_LABELS.get(base, "") if base != "__all__" else ""
        if state:
            about = f"{about} — état « {state} »"
        rows.append({"key": key, "about": about, "messages": items, "state": state})
    return rows


@designer_required
def versions(
    request, pk, *, publish_form=None, problems=None, status=200, mapping=None,
    mapping_errors=None, mapping_general=None,
):  # fmt: skip
    service, authority = selectors.owned_service(request.user, pk)
    to_map, targets = mapping_rows(service, mapping, mapping_errors)
    draft = selectors.draft_of(service)
    log = publication_log(service)
    return service_page(
        request, "versions.html", service, authority, "versions", draft=draft,
        log=log, problems=problems or [], to_map=to_map, targets=targets,
        mapping_general=mapping_general or [], mapping_failed=bool(mapping_errors),
        publish_form=publish_form
        or (PublishForm(initial={"revision": draft.revision}) if draft else None),
        test_requests=service.requests.filter(is_test=True).order_by("-pk")[:10]
        if hasattr(service, "requests") else [],
        title=f"Versions — {service.name}", status=status,
    )  # fmt: skip


@designer_required
@require_POST
def publish_draft(request, pk):
    service, _authority = selectors.owned_service(request.user, pk)
    draft = selectors.draft_of(service)
    form = PublishForm(request.POST)
    if draft is None:
        return versions(request, pk, problems=[{"about": "", "messages": [
            "Aucun brouillon à publier."]}], status=409)  # fmt: skip
    if not form.is_valid():
        return versions(request, pk, publish_form=form, status=400)
    try:
        version = publish(
            draft=draft, by=Actor.agent(request.user), note=form.cleaned_data["note"],
            revision=form.cleaned_data["revision"],
        )  # fmt: skip
    except StaleDraft as stale:
        return versions(request, pk, publish_form=form, status=409,
                        problems=_problems(stale))  # fmt: skip
    except DraftError as error:
        return versions(request, pk, publish_form=form, problems=_problems(error), status=400)
    messages.success(request, f"Version {version.number} publiée.")
    return redirect("backoffice:designer:versions", pk=service.pk)


@designer_required
@require_POST
def rollback_to(request, pk, number):
    service, _authority = selectors.owned_service(request.user, pk)
    target = selectors.version_of(service, number)
    form = RollbackForm(request.POST)
    if not form.is_valid():
        return versions(request, pk, status=400, problems=[
            {"about": f"Retour à la version {target.number}",
             "messages": form.errors.get("note", [])}])  # fmt: skip
    try:
        version = rollback(
            service=service, to_version=target, by=Actor.agent(request.user),
            note=form.cleaned_data["note"],
        )  # fmt: skip
    except DraftError as error:
        return versions(request, pk, problems=_problems(error), status=400)
    messages.success(
        request, f"Version {version.number} publiée : reprise de la version {target.number}."
    )
    return redirect("backoffice:designer:versions", pk=service.pk)


@designer_required
def compare(request, pk):
    service, authority = selectors.owned_service(request.user, pk)
    numbers = list(service.versions.order_by("number").values_list("number", flat=True))
    before = request.GET.get("de") or (str(numbers[-2]) if len(numbers) > 1 else "")
    after = request.GET.get("a") or (str(numbers[-1]) if numbers else "")
    lines: list[str] = []
    if before and after:
        changes = diff(selectors.version_of(service, before), selectors.version_of(service, after))
        lines = render_diff(changes)
    return service_page(
        request, "diff.html", service, authority, "versions", numbers=numbers,
        before=before, after=after, lines=lines, title=f"Différences — {service.name}",
    )  # fmt: skip


TEST_PERSON_EMAIL = "essai.{}@concepteur.invalid"


@designer_required
@require_http_methods(["GET", "POST"])
def test_request(request, pk):
    """File a test request on the draft, with the form as the resident sees it; the request
    is marked as a test (kept out of queues, statistics, journeys and open data)."""
    service, authority = selectors.owned_service(request.user, pk)
    draft = selectors.draft_of(service)
    errors: dict[str, list[str]] = {}
    status = 200
    try:
        definition = list(draft.form_definition or []) if draft else None
        if definition is not None:
            parse_form_definition(definition)
    except InvalidFormDefinition:
        definition = None
    if request.method == "POST" and draft is not None and definition is not None:
        actor = Actor.agent(request.user)
        try:
            case = file_test_request(
                draft=draft, by=actor, person=_test_person(authority, actor),
                form_data=request.POST, files=request.FILES, commune=authority.commune,
                authority=authority,
            )  # fmt: skip
        except IntakeError as error:
            errors, status = dict(error.errors), 400
        else:
            messages.success(request, f"Demande de test {case.reference} déposée sur le brouillon.")
            return redirect("backoffice:designer:versions", pk=service.pk)
    fields = form_fields(definition, request.POST or None, errors) if definition is not None else []
    general = [m for key, ms in errors.items() if key not in {f.name for f in fields} for m in ms]
    return service_page(
        request, "test_request.html", service, authority, "versions", draft=draft,
        fields=fields, general=general, status=status,
        title=f"Demande de test — {service.name}",
    )  # fmt: skip


def _test_person(authority, actor: Actor) -> Person:
    """The authority's fictitious applicant for test requests (created once)."""
    email = TEST_PERSON_EMAIL.format(authority.slug)
    person = Person.objects.filter(
        identities__kind=Identity.Kind.EMAIL, identities__value=email
    ).first()
    if person is None:
        person = create_person(actor=actor, first_name="Usager", last_name="de test", email=email)
    return person
