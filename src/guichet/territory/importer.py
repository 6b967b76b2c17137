"""Write a validated `Bundle` into the database: diff in memory, then bulk writes.

One query reads each table's current rows, the difference with the files is computed in
Python and written with bulk_create / bulk_update in batches: the national map (about
37,600 communes, 35,700 postcode rows, 35,000 memberships) imports in seconds, and an
unchanged re-import writes nothing. Call it inside a transaction (see `actions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from guichet.core import refcache
from guichet.territory.models import (
    Commune,
    Departement,
    Intercommunality,
    Membership,
    Postcode,
    Region,
)
from guichet.territory.progress import ImportProgress, NoProgress
from guichet.territory.reading import Bundle
from guichet.territory.report import EntityCounts, ImportReport
from guichet.territory.schemas import TerritoryDataError, record_label
from guichet.territory.text import normalize_name

BATCH = 1000
Key = tuple[Any, ...]


def apply_bundle(bundle: Bundle, *, progress: ImportProgress | None = None) -> ImportReport:
    """Create, update or keep each row so the database matches `bundle`; report the changes."""
    progress = progress or NoProgress()
    report = ImportReport(source=str(bundle.source), notes=list(bundle.notes))
    region_ids = _import_regions(bundle, report, progress)
    departement_ids = _import_departements(bundle, report, progress, region_ids)
    commune_ids = _import_communes(bundle, report, progress, departement_ids)
    _import_intercommunalities(bundle, report, progress, commune_ids)
    _import_postcodes(bundle, report, progress)
    _import_boundaries(bundle, report, progress)
    refcache.changed()  # bulk writes send no model signals
    return report


def sync_rows(
    model: type[models.Model],
    *,
    key: tuple[str, ...],
    fields: tuple[str, ...],
    desired: dict[Key, dict[str, Any]],
    counts: EntityCounts,
    progress: ImportProgress,
    stage: str,
) -> Synced:
    """Make `model`'s rows match `desired` ({key values: field values})."""
    task = progress.stage(stage, len(desired))
    existing = {
        tuple(row[name] for name in key): row
        for row in model.objects.values("pk", *key, *fields).iterator(chunk_size=5000)
    }
    to_create, to_update = [], []
    for values_key, values in desired.items():
        row = existing.get(values_key)
        identity = dict(zip(key, values_key, strict=True))
        if row is None:
            to_create.append(model(**identity, **values))
        elif any(row[name] != values[name] for name in fields):
            to_update.append(model(pk=row["pk"], **identity, **values))
        else:
            counts.unchanged += 1
    for batch in _batches(to_create):
        model.objects.bulk_create(batch)
        progress.advance(task, len(batch))
    for batch in _batches(to_update):
        model.objects.bulk_update(batch, fields)
        progress.advance(task, len(batch))
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.absent += len(existing.keys() - desired.keys())
    progress.finish(task)
    ids = {values_key: row["pk"] for values_key, row in existing.items()}
    created = {tuple(getattr(obj, name) for name in key) for obj in to_create}
    updated = {tuple(getattr(obj, name) for name in key) for obj in to_update}
    if any(obj.pk is None for obj in to_create):  # databases that return no ids on bulk insert
        ids = {tuple(row[:-1]): row[-1] for row in model.objects.values_list(*key, "pk").iterator()}
    else:
        ids.update({tuple(getattr(obj, name) for name in key): obj.pk for obj in to_create})
    return Synced(ids=ids, created=created, updated=updated)


@dataclass(frozen=True)
class Synced:
    ids: dict[Key, int]
    created: set[Key]
    updated: set[Key]


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _import_regions(bundle: Bundle, report: ImportReport, progress: ImportProgress) -> dict:
    if bundle.regions is None:
        report.counts["regions"].skipped = True
        return dict(Region.objects.values_list("code", "pk"))
    synced = sync_rows(
        Region,
        key=("code",),
        fields=("name",),
        desired={(r.code,): {"name": r.nom} for r in bundle.regions},
        counts=report.counts["regions"],
        progress=progress,
        stage="Régions",
    )
    return {code: pk for (code,), pk in synced.ids.items()}


def _import_departements(
    bundle: Bundle, report: ImportReport, progress: ImportProgress, region_ids: dict
) -> dict:
    if bundle.departements is None:
        report.counts["departements"].skipped = True
        return dict(Departement.objects.values_list("code", "pk"))
    desired = {}
    for index, record in enumerate(bundle.departements):
        if record.region not in region_ids:
            label = record_label("departements.json", index, {"code": record.code})
            raise TerritoryDataError(f"{label} : région « {record.region} » inconnue")
        desired[(record.code,)] = {
            "name": record.nom,
            "region_id": region_ids[record.region],
            "chef_lieu": record.chefLieu,
        }
    synced = sync_rows(
        Departement,
        key=("code",),
        fields=("name", "region_id", "chef_lieu"),
        desired=desired,
        counts=report.counts["departements"],
        progress=progress,
        stage="Départements",
    )
    return {code: pk for (code,), pk in synced.ids.items()}


def _import_communes(
    bundle: Bundle, report: ImportReport, progress: ImportProgress, departement_ids: dict
) -> dict[str, int]:
    """Import communes, then link each delegated one to its parent; return code → pk."""
    counts = report.counts["communes"]
    desired = {
        (r.code, r.type): {
            "name": r.nom,
            "search_name": normalize_name(r.nom),
            "siren": r.siren,
            "departement_id": departement_ids.get(r.departement),
            "postcodes": r.codesPostaux,
            "population": r.population,
        }
        for r in bundle.communes
    }
    synced = sync_rows(
        Commune,
        key=("code", "kind"),
        fields=tuple(next(iter(desired.values()), {}).keys()),
        desired=desired,
        counts=counts,
        progress=progress,
        stage="Communes",
    )
    ids = synced.ids
    current_ids = {code: pk for (code, kind), pk in ids.items() if kind == Commune.Kind.CURRENT}
    # Parents are linked in a second pass: a new parent has no id until it is created.
    parents = dict(Commune.objects.values_list("pk", "parent_id"))
    to_update, missing = [], set()
    for record in bundle.communes:
        parent_code = record.parent_code
        parent_id = current_ids.get(parent_code) if parent_code else None
        if parent_code and parent_id is None:
            missing.add(parent_code)
        key = (record.code, record.type)
        if parents.get(ids[key]) != parent_id:
            to_update.append(Commune(pk=ids[key], parent_id=parent_id))
            if key not in synced.created and key not in synced.updated:
                counts.unchanged -= 1
                counts.updated += 1
    for batch in _batches(to_update):
        Commune.objects.bulk_update(batch, ["parent_id"])
    report.parents_not_found = sorted(missing)
    return current_ids


def _import_intercommunalities(
    bundle: Bundle, report: ImportReport, progress: ImportProgress, commune_ids: dict[str, int]
) -> None:
    if bundle.intercommunalities is None:
        report.counts["intercommunalities"].skipped = True
        report.counts["memberships"].skipped = True
        return
    ids = sync_rows(
        Intercommunality,
        key=("siren",),
        fields=("name", "kind", "financing", "population"),
        desired={
            (r.code,): {
                "name": r.nom,
                "kind": r.type,
                "financing": r.modeFinancement,
                "population": r.populationTotale,
            }
            for r in bundle.intercommunalities
        },
        counts=report.counts["intercommunalities"],
        progress=progress,
        stage="Intercommunalités",
    ).ids
    wanted = set()
    for record in bundle.intercommunalities:
        for member in record.membres:
            commune_id = commune_ids.get(member.code)
            if commune_id is None:
                report.members_not_found += 1
            else:
                wanted.add((commune_id, ids[(record.code,)]))
    listed = {ids[(record.code,)] for record in bundle.intercommunalities}
    _sync_memberships(wanted, listed, report.counts["memberships"], progress)


def _sync_memberships(
    wanted: set[tuple[int, int]],
    intercommunality_ids: set[int],
    counts: EntityCounts,
    progress: ImportProgress,
) -> None:
    """The files are the authority on the members of the intercommunalities they list."""
    task = progress.stage("Adhésions", len(wanted))
    existing = {
        (commune_id, interco_id): pk
        for pk, commune_id, interco_id in Membership.objects.values_list(
            "pk", "commune_id", "intercommunality_id"
        ).iterator(chunk_size=5000)
        if interco_id in intercommunality_ids
    }
    to_create = [
        Membership(commune_id=commune_id, intercommunality_id=interco_id)
        for commune_id, interco_id in wanted - existing.keys()
    ]
    for batch in _batches(to_create):
        Membership.objects.bulk_create(batch)
        progress.advance(task, len(batch))
    stale = [existing[pair] for pair in existing.keys() - wanted]
    for batch in _batches(stale):
        Membership.objects.filter(pk__in=batch).delete()
    counts.created += len(to_create)
    counts.removed += len(stale)
    counts.unchanged += len(wanted & existing.keys())
    progress.finish(task)


def _import_postcodes(bundle: Bundle, report: ImportReport, progress: ImportProgress) -> None:
    if bundle.postcodes is None:
        report.counts["postcodes"].skipped = True
        return
    sync_rows(
        Postcode,
        key=("code", "commune_code", "delivery_label"),
        fields=("commune_name",),
        desired={
            (r.codePostal, r.codeCommune, r.libelleAcheminement): {"commune_name": r.nomCommune}
            for r in bundle.postcodes
        },
        counts=report.counts["postcodes"],
        progress=progress,
        stage="Codes postaux",
    )


def _import_boundaries(bundle: Bundle, report: ImportReport, progress: ImportProgress) -> None:
    counts = report.counts["boundaries"]
    if not bundle.boundaries:
        counts.skipped = True
        return
    task = progress.stage("Contours", len(bundle.boundaries))
    codes = sorted({boundary.code for boundary in bundle.boundaries})
    existing = {}
    for chunk in _batches(codes, 500):  # stays under SQLite's bound-parameter limit
        for pk, code, kind, geometry, bbox in Commune.objects.filter(code__in=chunk).values_list(
            "pk", "code", "kind", "boundary", "bbox"
        ):
            existing[(code, kind)] = (pk, geometry, bbox)
    to_update = []
    for boundary in bundle.boundaries:
        row = existing.get((boundary.code, boundary.kind))
        if row is None:
            report.unmatched_boundaries.append(boundary.code)
            continue
        pk, geometry, bbox = row
        if geometry == boundary.geometry and bbox == boundary.bbox:
            counts.unchanged += 1
        else:
            to_update.append(Commune(pk=pk, boundary=boundary.geometry, bbox=boundary.bbox))
    for batch in _batches(to_update, 100):
        Commune.objects.bulk_update(batch, ["boundary", "bbox"])
        progress.advance(task, len(batch))
    counts.updated += len(to_update)
    report.unmatched_boundaries.sort()
    progress.finish(task)
