"""Areas (« secteurs »): an authority's managers draw, rename and delete them on a map, or paste
their GeoJSON (the keyboard's way); routing rules and the per-area figures use them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from guichet.backoffice import area_figures, selectors
from guichet.backoffice.area_forms import AreaForm
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.core.journal import Actor
from guichet.core.maps import tiles
from guichet.territory import actions
from guichet.territory.areas import AreaError
from guichet.territory.models import Area

MANAGERS_ONLY = "Les secteurs sont réservés aux responsables et administrateurs de la collectivité."
PERMISSION = "manage_routing"


@agent_required
@require_http_methods(["GET", "POST"])
def areas_page(request):
    authorities = selectors.authorities_where(request.user, PERMISSION)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    authority = _chosen(
        authorities, request.POST.get("collectivite") or request.GET.get("collectivite")
    )
    form = AreaForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                area = actions.create_area(
                    authority_id=authority.pk, actor=Actor.agent(request.user),
                    **form.cleaned_data,
                )  # fmt: skip
            except AreaError as refused:
                form.add_error("geometry", str(refused))
            else:
                messages.success(request, f"Le secteur « {area.name} » est enregistré.")
                return redirect(f"{request.path}?collectivite={authority.pk}")
        status = 400
    return _page(request, authorities, authority, form, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def area_edit(request, pk):
    area = _area(request.user, pk)
    form = AreaForm(
        request.POST or None,
        initial={
            "name": area.name,
            "kind": area.kind,
            "buffer_m": area.buffer_m,
            "geometry": area.geometry,
        },  # fmt: skip
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_area(area=area, actor=Actor.agent(request.user), **form.cleaned_data)
            except AreaError as refused:
                form.add_error("geometry", str(refused))
            else:
                messages.success(request, "Le secteur est modifié.")
                return redirect(f"{reverse('backoffice:areas')}?collectivite={area.authority_id}")
        status = 400
    return render(
        request, "backoffice/areas/edit.html",
        {"title": f"Secteur « {area.name} »", "nav": "areas", "area": area, "form": form,
         "map_data": {"areas": [], "current": area.geometry, "buffer": area.buffer_m}},
        status=status,
    )  # fmt: skip


@agent_required
@require_POST
def area_delete(request, pk):
    area = _area(request.user, pk)
    authority_id, name = area.authority_id, area.name
    actions.delete_area(area=area, actor=Actor.agent(request.user))
    messages.success(request, f"Le secteur « {name} » est supprimé.")
    return redirect(f"{reverse('backoffice:areas')}?collectivite={authority_id}")


def _chosen(authorities, value):
    for authority in authorities:
        if str(authority.pk) == str(value):
            return authority
    return authorities[0]


def _area(user, pk) -> Area:
    """An area of an authority where the agent manages routing; another's is not found."""
    allowed = [a.pk for a in selectors.authorities_where(user, PERMISSION)]
    area = Area.objects.filter(pk=pk, authority_id__in=allowed).first()
    if area is None:
        raise Http404("Ce secteur n'existe pas ou relève d'une autre collectivité.")
    return area


def _page(request, authorities, authority, form, *, status=200):
    areas = list(Area.objects.filter(authority=authority).order_by("name"))
    figures = area_figures.requests_per_area(authority, areas)
    return render(
        request,
        "backoffice/areas/list.html",
        {
            "title": "Secteurs",
            "nav": "areas",
            "authorities": authorities,
            "authority": authority,
            "rows": [(area, figures.get(area.pk)) for area in areas],
            "form": form,
            "days": area_figures.DAYS,
            "has_tiles": tiles() is not None,
            "map_data": {
                "areas": [
                    {"name": a.name, "geometry": a.geometry, "buffer": a.buffer_m} for a in areas
                ],
                "current": None,
                "centre": _centre(authority),
            },
        },
        status=status,
    )


def _centre(authority):
    commune = getattr(authority, "commune", None)
    bbox = getattr(commune, "bbox", None) if commune is not None else None
    if bbox:
        return [(bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2]
    return None
