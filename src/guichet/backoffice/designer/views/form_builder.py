"""The form builder: the draft's ordered fields, each change saved through `save_draft`
(one event each), and the live preview drawn by the portal's own renderer."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from guichet.backoffice.designer import builder, selectors
from guichet.backoffice.designer.field_types import (
    CONDITIONABLE,
    FILE_KINDS,
    all_names,
    available_types,
    new_field,
    props_of,
    show_property,
    type_of,
)
from guichet.backoffice.designer.views._common import designer_required, service_page
from guichet.catalogue.formdef import InvalidFormDefinition
from guichet.catalogue.formdef.structure import REPEATABLE_TYPES
from guichet.catalogue.presentation import form_fields
from guichet.catalogue.versions import DraftError, StaleDraft, save_draft
from guichet.core.journal import Actor

UNDO = "designer-undo-{}"


@designer_required
@require_http_methods(["GET", "POST"])
def form_builder(request, pk):
    service, authority = selectors.owned_service(request.user, pk)
    draft = selectors.draft_of(service)
    fields: list[dict[str, Any]] = list(
        (draft or service.current_version or service).form_definition or []
    )
    selected = request.GET.get("champ") or ""
    errors: dict[str, str] = {}
    posted = None
    status = 200
    block = _block(fields, request.POST.get("bloc") or request.GET.get("bloc") or "")
    if request.method == "POST" and draft is not None and request.POST.get("op") == "undo":
        kept = request.session.get(UNDO.format(draft.pk)) or {}
        block = _block(fields, kept.get("bloc") or "")  # put back where it was deleted
    scope = list(block.get("fields") or []) if block else fields
    if request.method == "POST":
        if draft is None:
            errors["general"] = "Ouvrez d'abord un brouillon pour modifier le formulaire."
            status = 409
        else:
            op = request.POST.get("op", "")
            selected = request.POST.get("champ", "")
            try:
                new_scope, selected, note = _apply(
                    request, op, scope, selected, draft.pk, block=block, form=fields
                )
                new_fields = _put_back(fields, block, new_scope)
                revision = int(request.POST.get("revision") or 0)
                save_draft(
                    draft=draft, by=Actor.agent(request.user),
                    changes={"form_definition": new_fields}, revision=revision,
                )  # fmt: skip
            except builder.BuilderError as error:
                errors, status = error.errors, 400
            except StaleDraft as stale:
                errors, status = {"general": stale.errors["__all__"][0]}, 409
            except DraftError as error:
                errors = {"general": " ".join(m for ms in error.errors.values() for m in ms)}
                status = 400
            else:
                if note:
                    messages.success(request, note)
                url = reverse("backoffice:designer:builder", kwargs={"pk": service.pk})
                within = {"bloc": block["name"]} if block else {}
                if op in ("up", "down"):  # the keyboard stays on the moved field's button
                    query = urlencode(within | {"deplace": selected, "sens": op})
                    return redirect(f"{url}?{query}")
                if selected:
                    return redirect(f"{url}?{urlencode(within | {'champ': selected})}#champ-edite")
                return redirect(f"{url}?{urlencode(within)}" if within else url)
            if op == "edit":
                posted = request.POST
    return service_page(
        request, "builder.html", service, authority, "form",
        draft=draft, status=status, errors=errors,
        rows=_rows(scope, selected), editor=_editor(scope, selected, posted, errors),
        repeat_block=block, block_query=f"bloc={quote(block['name'])}&" if block else "",
        types=_types(block), undo=request.session.get(UNDO.format(draft.pk)) if draft else None,
        title=f"Formulaire — {service.name}",
    )  # fmt: skip


def _block(fields: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The repeatable block `name` whose fields the builder edits (?bloc=), None for the form."""
    if not name:
        return None
    return next((f for f in fields if f.get("type") == "repeat" and f.get("name") == name), None)


def _put_back(fields: list, block: dict[str, Any] | None, scope: list) -> list:
    """The form's fields with the block's own list replaced by `scope` (or `scope` itself)."""
    if block is None:
        return scope
    return [f | {"fields": scope} if f is block else f for f in fields]


def _types(block: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The types the builder offers: a block holds one-value fields only."""
    if block is None:
        return available_types()
    return [(t, label) for t, label in available_types() if t in REPEATABLE_TYPES]


def _apply(request, op: str, fields: list, name: str, draft_pk: int, *, block=None, form=()):
    """(the new fields, the field to show, a French note) for one builder operation on
    `fields`: the form's, or a repeatable `block`'s inside `form` (names unique in the whole
    form)."""
    post = request.POST
    undo_key = UNDO.format(draft_pk)
    elsewhere = all_names([f for f in form if f is not block]) if block else set()
    if block is not None:
        elsewhere.add(block.get("name", ""))
    if op == "add":
        kind = post.get("type", "")
        if kind not in dict(_types(block)):
            raise builder.BuilderError({"type": "Choisissez un type de champ."})
        field = new_field(kind, all_names(fields) | elsewhere)
        if kind == "page" and fields and not any(f.get("type") == "page" for f in fields):
            # a form with pages starts with one: the fields so far become the first page
            first = new_field("page", all_names([*fields, field]))
            first["label"] = "Étape 1"
            fields = [first, *fields]
        added = [field]
        if kind in ("page", "section"):  # neither may be empty: a first field to edit
            added.append(new_field("short_text", all_names([*fields, field])))
        return [*fields, *added], field["name"], f"Champ « {field['label']} » ajouté."
    if op == "edit":
        new_fields = builder.edit_field(fields, name, post, elsewhere=elsewhere)
        return new_fields, post.get("name", name), "Champ enregistré."
    if op not in ("delete", "undo"):
        request.session.pop(undo_key, None)  # « Annuler » offers the last deletion only
    if op in ("up", "down"):
        moved = builder.move(fields, name, -1 if op == "up" else 1)
        return moved, name, "Champ monté." if op == "up" else "Champ descendu."
    if op == "reorder":
        return builder.reorder(fields, post.getlist("ordre")), "", "Ordre enregistré."
    if op == "duplicate":
        new_fields, copy_name = builder.duplicate(fields, name, elsewhere=elsewhere)
        return new_fields, copy_name, "Champ dupliqué."
    if op == "delete":
        new_fields, index = builder.delete(fields, name)
        field = fields[index]
        request.session[undo_key] = {"field": field, "index": index, "label": field.get("label"),
                                     "bloc": block.get("name") if block else ""}  # fmt: skip
        return new_fields, "", ""
    if op == "undo":
        kept = request.session.get(undo_key)
        if not kept:
            raise builder.BuilderError({"general": "Plus rien à rétablir."})
        new_fields = builder.restore(fields, kept["field"], kept["index"])
        request.session.pop(undo_key, None)
        return new_fields, kept["field"].get("name", ""), "Champ rétabli."
    raise builder.BuilderError({"general": "Opération inconnue."})


def _rows(fields: list[dict[str, Any]], selected: str) -> list[dict[str, Any]]:
    return [
        {
            "field": field,
            "type_label": type_of(field.get("type", "")).label,
            "first": index == 0,
            "last": index == len(fields) - 1,
            "selected": field.get("name") == selected,
            "condition": _condition_text(field.get("show_if")),
        }
        for index, field in enumerate(fields)
    ]


def _editor(fields, selected: str, posted, errors: dict[str, str]) -> dict[str, Any] | None:
    """The selected field's properties as inputs (what was typed when refused)."""
    field = next((f for f in fields if f.get("name") == selected), None)
    if field is None:
        return None
    index = fields.index(field)
    kind = type_of(field.get("type", ""))
    inputs = []
    for prop in props_of(field.get("type", "")):
        if posted is not None:
            value = (
                posted.getlist(prop.key)
                if prop.widget == "file_kinds"
                else posted.get(prop.key, "")
            )
        else:
            value = (
                field.get(prop.key, [])
                if prop.widget == "file_kinds"
                else show_property(prop, field)
            )
        inputs.append({"prop": prop, "value": value, "error": errors.get(prop.key, ""),
                       "id": f"propriete-{prop.key}"})  # fmt: skip
    condition = field.get("show_if") or {}
    return {
        "field": field,
        "type_label": kind.label,
        "inputs": inputs,
        "file_kinds": FILE_KINDS,
        "earlier": [f for f in fields[:index] if f.get("type") in CONDITIONABLE],
        "show_if_field": posted.get("show_if_field", "") if posted is not None
        else condition.get("field", ""),
        "show_if_value": posted.get("show_if_value", "") if posted is not None
        else _shown(condition.get("equals", condition.get("in", ""))),
        "show_if_field_error": errors.get("show_if_field", ""),
        "show_if_value_error": errors.get("show_if_value", ""),
    }  # fmt: skip


def _condition_text(condition: Any) -> str:
    if not isinstance(condition, dict):
        return ""
    value = condition["equals"] if "equals" in condition else condition.get("in", "")
    return f"affiché si « {condition.get('field')} » vaut « {_shown(value)} »"


def _shown(value: Any) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


@designer_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def preview(request, pk):
    """The draft's form as the resident sees it, drawn by the portal's renderer
    (`catalogue/fields/field.html`, `catalogue.presentation.form_fields`), for the builder's
    frame (desktop or 375 px wide)."""
    service, _authority = selectors.owned_service(request.user, pk)
    version = selectors.draft_of(service) or service.current_version
    definition = list((version or service).form_definition or [])
    problems: list[str] = []
    try:
        fields = form_fields(definition)
    except InvalidFormDefinition as invalid:
        fields, problems = [], invalid.errors
    return render(
        request,
        "backoffice/designer/preview.html",
        {"title": f"Aperçu — {service.name}", "service": service, "fields": fields,
         "problems": problems},
    )  # fmt: skip
