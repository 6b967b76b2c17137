"""Writes to the territory: every one runs in one transaction and appends one event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.territory import areas, geometry
from guichet.territory.areas import AreaError, check_geometry
from guichet.territory.importer import apply_bundle
from guichet.territory.models import Area
from guichet.territory.progress import ImportProgress, NoProgress
from guichet.territory.reading import read_folder
from guichet.territory.report import ImportReport


@transaction.atomic
def import_territory(
    *, source: Path, actor: Actor, progress: ImportProgress | None = None
) -> ImportReport:
    """Import the folder `source` (Etalab format) and return what changed.

    Idempotent: an unchanged folder writes nothing but the `territory.imported` event.
    Every file is validated before the first write; a malformed one raises
    `TerritoryDataError` (French message naming file and record) and, like any error,
    rolls the whole import back.
    """
    progress = progress or NoProgress()
    bundle = read_folder(
        source, on_file=lambda name: progress.finish(progress.stage(f"Lecture de {name}", 1))
    )
    report = apply_bundle(bundle, progress=progress)
    journal.append(kind="territory.imported", actor=actor, payload=report.as_dict())
    # Point look-ups cache prepared boundaries: drop them once the new ones are visible.
    transaction.on_commit(geometry.clear_cache)
    return report


AREA_CREATED = "territory.area-created"
AREA_UPDATED = "territory.area-updated"
AREA_DELETED = "territory.area-deleted"


def _check_area_fields(name: str, kind: str) -> str:
    name = (name or "").strip()
    if not name or "\x00" in name:
        raise AreaError("Donnez un nom au secteur.")
    if len(name) > 120:
        raise AreaError("Le nom d'un secteur tient en 120 caractères au plus.")
    if kind not in Area.Kind.values:
        raise AreaError("Choisissez le type du secteur dans la liste.")
    return name


def _check_unique(authority_id: int, name: str, pk: int | None) -> None:
    taken = Area.objects.filter(authority_id=authority_id, name__iexact=name).exclude(pk=pk)
    if taken.exists():
        raise AreaError(f"Un secteur s'appelle déjà « {name} ».")


@transaction.atomic
def create_area(
    *, authority_id: int, name: str, kind: str, geometry: Any, buffer_m: int = 15, actor: Actor
) -> Area:
    """A new area of the authority, its geometry checked (areas.check_geometry). Raises
    AreaError (French message); nothing is written then."""
    name = _check_area_fields(name, kind)
    checked = check_geometry(geometry, buffer_m=buffer_m)
    _check_unique(authority_id, name, None)
    area = Area.objects.create(
        authority_id=authority_id, name=name, kind=kind, geometry=checked.geometry,
        buffer_m=buffer_m, bbox=checked.bbox, created_at=timezone.now(),
    )  # fmt: skip
    _append_area(AREA_CREATED, area, actor)
    return area


@transaction.atomic
def update_area(
    *,
    area: Area,
    actor: Actor,
    name: str | None = None,
    kind: str | None = None,
    geometry: Any = None,
    buffer_m: int | None = None,
    is_active: bool | None = None,
) -> Area:
    """Rename, retype, redraw, widen or (de)activate `area`; what is None stays."""
    area = Area.objects.select_for_update().get(pk=area.pk)
    new_name = _check_area_fields(
        area.name if name is None else name, area.kind if kind is None else kind
    )
    changed = []
    if new_name != area.name:
        _check_unique(area.authority_id, new_name, area.pk)
        area.name = new_name
        changed.append("name")
    if kind is not None and kind != area.kind:
        area.kind = kind
        changed.append("kind")
    if geometry is not None or (buffer_m is not None and buffer_m != area.buffer_m):
        width = area.buffer_m if buffer_m is None else buffer_m
        checked = check_geometry(area.geometry if geometry is None else geometry, buffer_m=width)
        if checked.geometry != area.geometry:
            changed.append("geometry")
        if width != area.buffer_m:
            changed.append("buffer_m")
        area.geometry, area.bbox, area.buffer_m = checked.geometry, checked.bbox, width
    if is_active is not None and is_active != area.is_active:
        area.is_active = is_active
        changed.append("is_active")
    area.save()
    _append_area(AREA_UPDATED, area, actor, changed=changed)
    transaction.on_commit(areas.clear_cache)
    return area


@transaction.atomic
def delete_area(*, area: Area, actor: Actor) -> None:
    """Delete `area`; routing rules that named it lose it (a rule left with no area matches
    anywhere again: the page lists its conditions)."""
    _append_area(AREA_DELETED, area, actor)
    area.delete()
    transaction.on_commit(areas.clear_cache)


def _append_area(kind: str, area: Area, actor: Actor, **payload: Any) -> None:
    journal.append(
        kind=kind, actor=actor, authority_id=area.authority_id, subject=area,
        payload={"name": area.name, "kind": area.kind, **payload},
    )  # fmt: skip
