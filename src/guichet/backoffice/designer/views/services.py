"""The designer's services: the list, creating one (from scratch or a model), its public page,
export and import."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from guichet.authorities import service_design
from guichet.backoffice.designer import selectors
from guichet.backoffice.designer.forms import CreateForm, ImportForm, PageForm, add_draft_errors
from guichet.backoffice.designer.views._common import (
    content_shown,
    designer_required,
    service_page,
)
from guichet.catalogue import interchange
from guichet.catalogue.models import Service
from guichet.catalogue.versions import DraftError, StaleDraft, save_draft, start_draft
from guichet.core.journal import Actor

MAX_IMPORT_BYTES = 2_000_000


def _authority(request, authorities):
    """The authority the page acts for: the one chosen (?collectivite=pk) among the agent's,
    else the first."""
    chosen = request.POST.get("collectivite") or request.GET.get("collectivite")
    for authority in authorities:
        if str(authority.pk) == chosen:
            return authority
    return authorities[0]


@designer_required
def service_list(request):
    authorities = selectors.designer_authorities(request.user)
    return render(
        request,
        "backoffice/designer/services.html",
        {"title": "Concepteur de démarches", "nav": "designer", "authorities": authorities,
         "rows": selectors.owned_services(authorities)},
    )  # fmt: skip


@designer_required
@require_http_methods(["GET", "POST"])
def create(request):
    authorities = selectors.designer_authorities(request.user)
    authority = _authority(request, authorities)
    every_level = request.GET.get("niveaux") == "tous"
    models = selectors.library(authority, every_level=every_level)
    form = CreateForm(request.POST or None)
    general: list[str] = []
    if request.method == "POST" and form.is_valid():
        model = None
        if slug := form.cleaned_data["model"]:
            model = next((m for m in selectors.library(authority, every_level=True)
                          if m.slug == slug), None)  # fmt: skip
            if model is None:
                raise Http404("Modèle introuvable.")
        content = {"name": form.cleaned_data["name"]}
        if form.cleaned_data["summary"]:
            content["summary"] = form.cleaned_data["summary"]
        if model is None:
            content |= {
                "summary": form.cleaned_data["summary"] or form.cleaned_data["name"],
                "kind": Service.Kind.TRANSACTIONAL,
                "category": _default_category(),
                "level": service_design.LEVEL_OF_KIND.get(authority.kind, "communal"),
            }
        try:
            draft = service_design.create_service(
                authority=authority, by=Actor.agent(request.user), content=content, model=model
            )
        except DraftError as error:
            general = add_draft_errors(form, error)
        else:
            messages.success(request, f"Service « {draft.service.name} » créé (brouillon).")
            return redirect("backoffice:designer:page", pk=draft.service_id)
    return render(
        request,
        "backoffice/designer/create.html",
        {"title": "Créer un service", "nav": "designer", "form": form, "general": general,
         "authorities": authorities, "authority": authority, "models": models,
         "every_level": every_level},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _default_category() -> str:
    from guichet.catalogue.models import Category

    category = Category.objects.order_by("position", "name").first()
    return category.slug if category else ""


@designer_required
@require_http_methods(["GET", "POST"])
def page(request, pk):
    service, authority = selectors.owned_service(request.user, pk)
    draft = selectors.draft_of(service)
    general: list[str] = []
    status = 200
    if request.method == "POST":
        form = PageForm(request.POST)
        if draft is None:
            general = ["Ouvrez d'abord un brouillon."]
            status = 409
        elif form.is_valid():
            try:
                save_draft(
                    draft=draft, by=Actor.agent(request.user), changes=form.changes(),
                    revision=form.cleaned_data["revision"],
                )  # fmt: skip
            except StaleDraft as stale:
                general = list(stale.errors["__all__"])
                status = 409
            except DraftError as error:
                general = add_draft_errors(form, error)
                status = 400
            else:
                messages.success(request, "Brouillon enregistré.")
                return redirect(request.path)
        else:
            status = 400
    else:
        content = content_shown(service, draft)
        form = PageForm(initial=PageForm.initial_of(content, draft.revision if draft else 1))
    return service_page(
        request, "page.html", service, authority, "page", form=form, general=general,
        draft=draft, status=status, offer=selectors.offer(service, authority),
    )  # fmt: skip


@designer_required
def export(request, pk):
    service, _authority_ = selectors.owned_service(request.user, pk)
    number = request.GET.get("version")
    version = (
        selectors.version_of(service, number)
        if number
        else (selectors.draft_of(service) or service.current_version)
    )
    if version is None:
        raise Http404("Version introuvable.")
    document = interchange.export_service(version)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{service.slug}-v{version.number}.json"'
    )
    return response


@designer_required
@require_http_methods(["GET", "POST"])
def import_document(request):
    authorities = selectors.designer_authorities(request.user)
    authority = _authority(request, authorities)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > MAX_IMPORT_BYTES:
            problems = ["Le fichier dépasse 2 Mo : ce n'est pas un document de service."]
        else:
            try:
                draft = service_design.import_into(
                    authority=authority, by=Actor.agent(request.user), document=upload.read()
                )
            except interchange.InterchangeError as error:
                problems = list(error.errors)
            else:
                messages.success(
                    request, f"Service « {draft.service.name} » importé comme brouillon."
                )
                return redirect("backoffice:designer:page", pk=draft.service_id)
    return render(
        request,
        "backoffice/designer/import.html",
        {"title": "Importer un service", "nav": "designer", "form": form,
         "problems": problems, "authorities": authorities, "authority": authority},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@designer_required
@require_POST
def open_draft(request, pk):
    service, _authority_ = selectors.owned_service(request.user, pk)
    draft = start_draft(service=service, by=Actor.agent(request.user))
    messages.success(request, f"Brouillon (version {draft.number}) ouvert.")
    tab = request.POST.get("suite")
    return redirect(f"backoffice:designer:{tab if tab in OPEN_TABS else 'page'}", pk=service.pk)


OPEN_TABS = ("page", "builder", "workflow", "versions")
