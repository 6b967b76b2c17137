"""Organisers' pages: the consultations of my authorities, editing one, its phases, rounds."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from guichet.backoffice import selectors
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.participation import phases
from guichet.participation.actions import consultations as act
from guichet.participation.models.consultations import Consultation, Level, Scope
from guichet.participation.refusals import Refused
from guichet.participation.selectors.consultations import timeline
from guichet.participation.selectors.ideas import listed
from guichet.territory.models import Area

PERMISSION = "manage_routing"
ORGANISERS_ONLY = "Les consultations sont réservées aux responsables de la collectivité."
MAX_PHASES = len(phases.ORDER)


def authorities_of(user):
    return selectors.authorities_where(user, PERMISSION)


def consultation_of(user, pk: int) -> Consultation:
    """A consultation of one of the agent's authorities; another's is not found."""
    allowed = [a.pk for a in authorities_of(user)]
    found = Consultation.objects.filter(pk=pk, authority_id__in=allowed).first()
    if found is None:
        raise Http404("Cette consultation n'existe pas ou relève d'une autre collectivité.")
    return found


@agent_required
def index(request):
    authorities = authorities_of(request.user)
    if not authorities:
        return forbidden(request, ORGANISERS_ONLY)
    consultations = Consultation.objects.filter(authority__in=authorities).select_related(
        "authority"
    )
    return render(request, "backoffice/participation/index.html", {
        "title": "Consultations", "consultations": consultations,
    })  # fmt: skip


@agent_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int | None = None):
    authorities = authorities_of(request.user)
    if not authorities:
        return forbidden(request, ORGANISERS_ONLY)
    consultation = consultation_of(request.user, pk) if pk is not None else None
    errors: dict[str, list[str]] = {}
    values = _values_of(consultation)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in
                  ("title", "description", "scope", "area", "authority", "categories")}  # fmt: skip
        values["premoderation"] = bool(request.POST.get("premoderation"))
        values["published"] = bool(request.POST.get("published"))
        values["levels"] = {
            a: request.POST.get(f"niveau_{a}", "") for a in phases.CONSULTATION_ACTIONS
        }
        authority = consultation.authority if consultation else next(
            (a for a in authorities if str(a.pk) == values["authority"]), authorities[0])  # fmt: skip
        area = None
        if values["area"].isdigit() and len(values["area"]) < 12:
            area = Area.objects.filter(pk=int(values["area"]), authority=authority).first()
        levels = {a: int(v) for a, v in values["levels"].items() if v.isdigit() and len(v) < 4}
        try:
            consultation = act.save_consultation(
                actor=Actor.agent(request.user), authority=authority, consultation=consultation,
                title=values["title"], description=values["description"], scope=values["scope"],
                communes=[authority.commune] if values["scope"] == Scope.COMMUNES and authority.commune else None,
                area=area, premoderation=values["premoderation"], required_levels=levels,
                categories=values["categories"].split(";"), published=values["published"],
            )  # fmt: skip
        except Refused as refused:
            errors = refused.errors
        else:
            messages.success(request, "La consultation est enregistrée.")
            return redirect("participation_agents:phases", pk=consultation.pk)
    return render(request, "backoffice/participation/edit.html", {
        "title": consultation.title if consultation else "Nouvelle consultation",
        "consultation": consultation, "authorities": authorities, "errors": errors,
        "values": values, "scopes": Scope.choices, "levels": Level.choices,
        "actions": [(a, phases.action_label(a)) for a in phases.CONSULTATION_ACTIONS],
        "areas": Area.objects.filter(authority__in=authorities, is_active=True),
    }, status=400 if errors else 200)  # fmt: skip


def _values_of(consultation: Consultation | None) -> dict:
    if consultation is None:
        return {"scope": Scope.AUTHORITY, "levels": {}}
    return {
        "title": consultation.title, "description": consultation.description,
        "scope": consultation.scope, "area": str(consultation.area_id or ""),
        "premoderation": consultation.premoderation, "published": consultation.published,
        "categories": ";".join(consultation.categories),
        "levels": {k: str(v) for k, v in consultation.required_levels.items()},
    }  # fmt: skip


@agent_required
@require_http_methods(["GET", "POST"])
def phases_page(request, pk: int):
    consultation = consultation_of(request.user, pk)
    errors: dict[str, list[str]] = {}
    rows = [{"kind": p.kind, "starts_at": _local(p.starts_at), "ends_at": _local(p.ends_at),
             "description": p.description} for p in consultation.phases.all()]  # fmt: skip
    if request.method == "POST":
        submitted, parsed, page_index = [], [], []
        for i in range(MAX_PHASES):
            kind = request.POST.get(f"phases-{i}-kind", "")
            if not kind:
                continue
            page_index.append(i)
            raw = {"kind": kind, "description": request.POST.get(f"phases-{i}-description", "")}
            for name in ("starts_at", "ends_at"):
                raw[name] = request.POST.get(f"phases-{i}-{name}", "")[:30]
            submitted.append(raw)
            parsed.append({**raw, "starts_at": _parse(raw["starts_at"]),
                           "ends_at": _parse(raw["ends_at"])})  # fmt: skip
        try:
            act.save_phases(actor=Actor.agent(request.user), consultation=consultation, rows=parsed)
        except Refused as refused:
            errors, rows = _renumbered(refused.errors, page_index), submitted
        else:
            messages.success(request, "Les étapes sont enregistrées.")
            return redirect("participation_agents:phases", pk=consultation.pk)
    while len(rows) < MAX_PHASES:
        rows.append({"kind": "", "starts_at": "", "ends_at": "", "description": ""})
    return render(request, "backoffice/participation/phases.html", {
        "title": f"Étapes : {consultation.title}", "consultation": consultation,
        "rows": [{**row, "index": i, "errors": {f: errors.get(f"phases-{i}-{f}", [])
                 for f in ("kind", "starts_at", "ends_at")}} for i, row in enumerate(rows)],
        "general": errors.get("", []), "kinds": phases.PhaseKind.choices,
        "table": [(label, [phases.action_label(a) for a in phases.actions_of(kind)])
                  for kind, label in phases.PhaseKind.choices],
        "steps": timeline(consultation), "has_errors": bool(errors),
    }, status=400 if errors else 200)  # fmt: skip


def _renumbered(errors: dict, page_index: list[int]) -> dict:
    """The action numbers the rows it was given (blank rows left out): back to the page's."""
    out = {}
    for key, messages_ in errors.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(page_index):
            key = f"phases-{page_index[int(parts[1])]}-{parts[2]}"
        out[key] = messages_
    return out


@agent_required
@require_http_methods(["GET", "POST"])
def close_round_page(request, pk: int):
    consultation = consultation_of(request.user, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            selection = act.close_round(actor=Actor.agent(request.user), consultation=consultation,
                                        keep=request.POST.get("keep", ""))  # fmt: skip
        except Refused as refused:
            errors = refused.errors
        else:
            kept = sum(1 for r in selection.ranking if r["kept"])
            messages.success(request, f"Tour {selection.number} clos : " + ngettext(
                "{n} idée retenue.", "{n} idées retenues.", kept).format(n=kept))  # fmt: skip
            return redirect("participation_agents:round", pk=consultation.pk)
    return render(request, "backoffice/participation/round.html", {
        "title": f"Tours : {consultation.title}", "consultation": consultation,
        "errors": errors, "rounds": consultation.rounds.all(),
        "ideas": listed(consultation, sort="consensus"),
    }, status=400 if errors else 200)  # fmt: skip


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _parse(text: str) -> datetime | None:
    try:
        naive = datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M")  # noqa: DTZ007
    except ValueError:
        return None
    return timezone.make_aware(naive)
