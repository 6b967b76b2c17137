"""Writes of the opendata app: the data sets an authority publishes, and publication runs.

A run (`publish`) is three actions, each one transaction and one journal event:
`start_publication` (a `running` Publication, `opendata.publication-started`), then the files
are written into `<slug>/v<N>.tmp/` under GUICHET_OPENDATA_DIR, renamed to `<slug>/v<N>/` once
complete, and `complete_publication` switches the served version in one transaction
(`opendata.publication-published`); any error instead calls `fail_publication`
(`opendata.publication-failed`, with the column and row of a schema violation), deletes the
partial directory and leaves the previous published version served.
"""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta

import pyarrow.parquet as pq
from django.db import transaction
from django.utils import timezone

from guichet.authorities.models import Authority
from guichet.core import journal
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.opendata import anonymise, selectors
from guichet.opendata.datasets import Build, Stats, build
from guichet.opendata.models import Dataset, Publication, PublicationFile
from guichet.opendata.schemas import SchemaViolation
from guichet.opendata.writers import Written, write_table

logger = logging.getLogger(__name__)

SYSTEM = Actor.system("données ouvertes")
# A run still `running` after this long belongs to a worker that died: a new run may start.
STALE_RUN = timedelta(hours=2)
KEEP_VERSIONS = 2  # the served version and the one before it stay on disk

TITLES = {
    Dataset.Kind.REQUESTS: "Demandes des usagers",
    Dataset.Kind.SERVICES_DELAYS: "Services et délais de traitement",
    Dataset.Kind.SATISFACTION: "Satisfaction des usagers",
    Dataset.Kind.JOURNEYS: "Parcours des usagers : irritants",
}
DESCRIPTIONS = {
    Dataset.Kind.REQUESTS: (
        "Une ligne par demande (signalement, question, démarche) : dates au jour, statut, "
        "service, collectivité responsable, canal, commune, lieu généralisé, délai promis et "
        "respect de l'échéance. Aucune donnée personnelle, aucun texte libre, aucune pièce "
        "jointe."
    ),
    Dataset.Kind.SERVICES_DELAYS: (
        "Les services et leur délai promis, avec les demandes reçues et traitées, la part "
        "traitée dans le délai et les délais observés, par service, mois et commune."
    ),
    Dataset.Kind.SATISFACTION: (
        "Résultats des questionnaires de satisfaction par service et par mois : nombre de "
        "réponses, part « résolu », note moyenne. Les commentaires ne sont jamais publiés."
    ),
    Dataset.Kind.JOURNEYS: (
        "Taux d'irritants des parcours (relances, longs silences, échéances dépassées, "
        "réouvertures, abandons…) par service et par mois."
    ),
}
FORMATS = {"csv", "geojson", "parquet", "schema"}


class PublicationError(Exception):
    """A run that cannot start (French message)."""


def _slug(authority: Authority | None, kind: str) -> str:
    return f"{authority.slug if authority else 'plateforme'}-{kind}"


@transaction.atomic
def ensure_datasets(*, authority: Authority | None, actor: Actor) -> list[Dataset]:
    """The four data sets of `authority` (the platform's consolidated ones for None), created
    unpublished when missing. One event when any is created."""
    existing = {d.kind: d for d in Dataset.objects.filter(authority=authority)}
    created = []
    where = authority.name if authority else "toutes les collectivités de la plateforme"
    for kind in Dataset.Kind:
        if kind in existing:
            continue
        existing[kind] = Dataset.objects.create(
            authority=authority, kind=kind, slug=_slug(authority, kind),
            title=f"{TITLES[kind]} — {where}", description=DESCRIPTIONS[kind],
        )  # fmt: skip
        created.append(kind.value)
    if created:
        journal.append(
            kind="opendata.datasets-created", actor=actor,
            authority_id=authority.pk if authority else None,
            payload={"kinds": created},
        )  # fmt: skip
    return [existing[kind] for kind in Dataset.Kind]


EDITABLE = ("publish", "title", "description", "frequency", "theme")


@transaction.atomic
def update_dataset(*, dataset: Dataset, actor: Actor, **changes) -> Dataset:
    """Change what the authority chose: publish or not, title, description, frequency,
    theme. Raises ValueError for a field that cannot be changed."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValueError(f"champs non modifiables : {', '.join(unknown)}")
    changed = {k: v for k, v in changes.items() if getattr(dataset, k) != v}
    if not changed:
        return dataset
    for name, value in changed.items():
        setattr(dataset, name, value)
    dataset.full_clean()
    dataset.save()
    journal.append(
        kind="opendata.dataset-changed", actor=actor, subject=dataset,
        authority_id=dataset.authority_id, payload={"dataset": dataset.slug, **changed},
    )  # fmt: skip
    return dataset


@transaction.atomic
def start_publication(*, dataset: Dataset, actor: Actor) -> Publication:
    """A new `running` version of `dataset`. Raises PublicationError while another run of the
    same data set is going (one that is too old is failed first, its worker having died)."""
    Dataset.objects.select_for_update().get(pk=dataset.pk)
    running = Publication.objects.filter(dataset=dataset, status=Publication.Status.RUNNING)
    for stale in running.filter(started_at__lt=timezone.now() - STALE_RUN):
        stale.status, stale.finished_at = Publication.Status.FAILED, timezone.now()
        stale.error_message = "Publication interrompue (le processus s'est arrêté)."
        stale.save(update_fields=["status", "finished_at", "error_message"])
    if running.exists():
        raise PublicationError("Une publication de ce jeu de données est déjà en cours.")
    last = Publication.objects.filter(dataset=dataset).order_by("-version").first()
    version = (last.version if last else 0) + 1
    publication = Publication.objects.create(
        dataset=dataset, version=version, started_at=timezone.now(),
        directory=f"{dataset.slug}/v{version}",
    )  # fmt: skip
    journal.append(
        kind="opendata.publication-started", actor=actor, subject=publication,
        authority_id=dataset.authority_id,
        payload={"dataset": dataset.slug, "version": version},
    )  # fmt: skip
    return publication


def record_progress(publication: Publication, *, done: int, total: int) -> None:
    """Bookkeeping while a run writes (no event: the run's events say what happened)."""
    Publication.objects.filter(pk=publication.pk).update(progress_done=done, progress_total=total)


def summary_text(kind: str, stats: Stats, k: int) -> str:
    """The French sentence on the anonymisation ending the public description."""
    unit = "réponse" if kind == Dataset.Kind.SATISFACTION else "demande"
    group = (
        "service × commune × mois"
        if kind in (Dataset.Kind.REQUESTS, Dataset.Kind.SERVICES_DELAYS)
        else "service × mois"
    )
    text = (
        f"Anonymisation : les combinaisons {group} de moins de {k} {unit}s sont écartées ("
        + ngettext(
            f"%(n)d {unit} écartée sur %(total)d", f"%(n)d {unit}s écartées sur %(total)d",
            stats.suppressed,
        ) % {"n": stats.suppressed, "total": stats.total}
        + ")."
    )  # fmt: skip
    if kind == Dataset.Kind.REQUESTS:
        communes = stats.location_levels.get("commune", 0)
        text += (
            f" Chaque lieu est la cellule H3 la plus fine qui contient au moins {k} demandes "
            "publiées ; à défaut, seule la commune est donnée ("
            + ngettext("%(n)d demande", "%(n)d demandes", communes) % {"n": communes}
            + "). Dates arrondies au jour."
        )
    return text


@transaction.atomic
def complete_publication(
    *, publication: Publication, stats: Stats, written: list[Written], rows: int, k: int,
    actor: Actor,
) -> Publication:  # fmt: skip
    """Serve `publication` from now on: the previous published version is superseded."""
    dataset = Dataset.objects.select_for_update().get(pk=publication.dataset_id)
    Publication.objects.filter(dataset=dataset, status=Publication.Status.PUBLISHED).update(
        status=Publication.Status.SUPERSEDED
    )
    root = selectors.data_dir()
    PublicationFile.objects.bulk_create(
        PublicationFile(
            publication=publication, format=w.format, path=str(w.path.relative_to(root)),
            byte_size=w.byte_size, sha256=w.sha256,
        )
        for w in written
    )  # fmt: skip
    publication.status = Publication.Status.PUBLISHED
    publication.finished_at = timezone.now()
    publication.row_count = rows
    publication.progress_done = publication.progress_total = stats.total
    publication.suppressed_count = stats.suppressed
    publication.summary = summary_text(dataset.kind, stats, k)
    publication.period_start, publication.period_end = stats.period_start, stats.period_end
    publication.communes = sorted(stats.communes)
    publication.save()
    journal.append(
        kind="opendata.publication-published", actor=actor, subject=publication,
        authority_id=dataset.authority_id,
        payload={
            "dataset": dataset.slug, "version": publication.version, "rows": rows,
            "suppressed": stats.suppressed,
        },
    )  # fmt: skip
    return publication


@transaction.atomic
def fail_publication(
    *, publication: Publication, message: str, actor: Actor, column: str = "",
    row: int | None = None,
) -> Publication:  # fmt: skip
    """Record a failed run; the previous published version stays served."""
    publication.status = Publication.Status.FAILED
    publication.finished_at = timezone.now()
    publication.error_column, publication.error_row = column, row
    publication.error_message = message
    publication.save(
        update_fields=["status", "finished_at", "error_column", "error_row", "error_message"]
    )
    journal.append(
        kind="opendata.publication-failed", actor=actor, subject=publication,
        authority_id=publication.dataset.authority_id,
        payload={
            "dataset": publication.dataset.slug, "version": publication.version,
            "column": column, "row": row, "message": message,
        },
    )  # fmt: skip
    return publication


def scope_of(dataset: Dataset) -> list[int]:
    """The authorities whose data go in `dataset`: its own, or for a consolidated set every
    authority that publishes the same kind itself."""
    if dataset.authority_id is not None:
        return [dataset.authority_id]
    return list(
        Dataset.objects.filter(kind=dataset.kind, publish=True, authority__isnull=False)
        .values_list("authority_id", flat=True)
        .order_by("authority_id")
    )


def publish(*, dataset: Dataset, actor: Actor = SYSTEM, k: int | None = None) -> Publication:
    """Build and publish a new version of `dataset` (see the module docstring). Returns the
    Publication, published or failed; raises PublicationError when a run is already going."""
    k = anonymise.k_threshold() if k is None else k
    publication = start_publication(dataset=dataset, actor=actor)
    root = selectors.data_dir()
    final = root / publication.directory
    temporary = final.with_name(final.name + ".tmp")
    try:
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir(parents=True)
        result: Build = build(dataset.kind, scope_of(dataset), k)
        written = write_table(
            temporary, dataset.slug, dataset.kind, result.batches, geometry=result.geometry,
            progress=lambda done: record_progress(
                publication, done=done, total=result.stats.total
            ),
        )  # fmt: skip
        rows = _rows_of(written)
        shutil.rmtree(final, ignore_errors=True)
        temporary.rename(final)
        written = [Written(w.format, final / w.path.name, w.byte_size, w.sha256) for w in written]
    except SchemaViolation as violation:
        shutil.rmtree(temporary, ignore_errors=True)
        return fail_publication(
            publication=publication, actor=actor, column=violation.column, row=violation.row,
            message=f"Le fichier ne respecte pas son schéma : {violation}.",
        )  # fmt: skip
    except Exception as error:
        logger.exception("opendata: %s v%s failed", dataset.slug, publication.version)
        shutil.rmtree(temporary, ignore_errors=True)
        return fail_publication(
            publication=publication, actor=actor,
            message=f"La publication a échoué ({type(error).__name__}).",
        )  # fmt: skip
    try:
        published = complete_publication(
            publication=publication, stats=result.stats, written=written, rows=rows, k=k,
            actor=actor,
        )  # fmt: skip
    except Exception as error:
        logger.exception("opendata: %s v%s not switched", dataset.slug, publication.version)
        shutil.rmtree(final, ignore_errors=True)
        return fail_publication(
            publication=publication, actor=actor,
            message=f"La publication a échoué ({type(error).__name__}).",
        )  # fmt: skip
    _prune(dataset)
    return published


def _rows_of(written: list[Written]) -> int:
    parquet = next(w for w in written if w.format == "parquet")
    return pq.ParquetFile(parquet.path).metadata.num_rows


def _prune(dataset: Dataset) -> None:
    """Delete the files of versions older than the last KEEP_VERSIONS successful ones."""
    keep = set(
        Publication.objects.filter(
            dataset=dataset,
            status__in=[Publication.Status.PUBLISHED, Publication.Status.SUPERSEDED],
        )
        .order_by("-version")
        .values_list("directory", flat=True)[:KEEP_VERSIONS]
    )
    folder = selectors.data_dir() / dataset.slug
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        relative = f"{dataset.slug}/{path.name}"
        if path.is_dir() and relative not in keep and not path.name.endswith(".tmp"):
            shutil.rmtree(path, ignore_errors=True)


def publish_all(*, actor: Actor = SYSTEM) -> list[Publication]:
    """A new version of every data set an authority chose to publish (the periodic task)."""
    done = []
    for dataset in Dataset.objects.filter(publish=True).order_by("authority_id", "kind"):
        try:
            done.append(publish(dataset=dataset, actor=actor))
        except PublicationError as error:
            logger.info("opendata: %s skipped: %s", dataset.slug, error)
    return done
