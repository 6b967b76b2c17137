"""Open data sets and their publications (issue 19, ADR 0036).

`Dataset`
    One published table: its `kind` (requests, services and delays, satisfaction, journeys) for
    one `authority`, or for the whole platform when `authority` is null (the consolidated set).
    `publish` is the authority's choice: only data sets with `publish=True` are built by the
    periodic run and listed publicly. `title` and `description` are French, shown to the
    public and put in the DCAT catalogue; `frequency` is an EU frequency code (DAILY, WEEKLY,
    MONTHLY) and `theme` an EU data theme code (GOVE, SOCI, ...). The slug is unique across the
    platform and stable (it is part of the download URLs).

`Publication`
    One run building one data set, numbered `version` 1, 2, ... per data set. It is written
    into its own directory (`directory`, relative to `GUICHET_OPENDATA_DIR`) and only becomes
    `published` at the very end, when the previous published one becomes `superseded`; a run
    that fails half-way is `failed` and the previous published one stays the one served. A
    schema violation (a row that does not satisfy the data set's Table Schema) fails the run
    and records `error_column`, `error_row` (1-based data row number) and `error_message`
    (French). `progress_done` / `progress_total` count rows while it runs. `row_count` is the
    number of rows written, `suppressed_count` the rows left out by the anonymisation (rare
    service x commune x month combinations); `summary` is the French sentence saying so that
    the public description ends with. `period_start` / `period_end` (temporal coverage) and
    `communes` (INSEE codes, spatial coverage) describe the content for the catalogue.

`PublicationFile`
    One file of a publication: `format` is csv, geojson, parquet or schema (the Frictionless
    Table Schema, JSON). `path` is relative to `GUICHET_OPENDATA_DIR` (use
    `selectors.file_path(file)` for the absolute path), with its `byte_size` and `sha256`.
"""

from django.db import models

from guichet.authorities.models import Authority


class Dataset(models.Model):
    class Kind(models.TextChoices):
        REQUESTS = "requests", "demandes"
        SERVICES_DELAYS = "services-delays", "services et délais"
        SATISFACTION = "satisfaction", "satisfaction"
        JOURNEYS = "journeys", "parcours des usagers"

    class Frequency(models.TextChoices):
        DAILY = "DAILY", "quotidienne"
        WEEKLY = "WEEKLY", "hebdomadaire"
        MONTHLY = "MONTHLY", "mensuelle"

    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="datasets",
        help_text="vide : jeu de données consolidé de la plateforme",
    )
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    publish = models.BooleanField("publier", default=False)
    frequency = models.CharField(
        "fréquence de mise à jour",
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.DAILY,
    )
    theme = models.CharField("thème", max_length=8, default="GOVE")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    modified_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "jeu de données ouvertes"
        verbose_name_plural = "jeux de données ouvertes"
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind"], name="dataset_one_kind_per_authority"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(authority__isnull=True),
                name="dataset_one_consolidated_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Publication(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "en cours"
        PUBLISHED = "published", "publiée"
        FAILED = "failed", "échouée"
        SUPERSEDED = "superseded", "remplacée"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="publications")
    version = models.PositiveIntegerField("version")
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.RUNNING)
    directory = models.CharField("dossier", max_length=300, blank=True)
    started_at = models.DateTimeField("commencée le")
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    progress_done = models.PositiveBigIntegerField("lignes traitées", default=0)
    progress_total = models.PositiveBigIntegerField("lignes à traiter", default=0)
    row_count = models.PositiveBigIntegerField("lignes publiées", default=0)
    suppressed_count = models.PositiveBigIntegerField("lignes écartées", default=0)
    summary = models.TextField("résumé de l'anonymisation", blank=True)
    period_start = models.DateField("début de la période couverte", null=True, blank=True)
    period_end = models.DateField("fin de la période couverte", null=True, blank=True)
    communes = models.JSONField("communes couvertes (codes INSEE)", default=list, blank=True)
    error_column = models.CharField("colonne en erreur", max_length=100, blank=True)
    error_row = models.PositiveBigIntegerField("ligne en erreur", null=True, blank=True)
    error_message = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "publication de données ouvertes"
        verbose_name_plural = "publications de données ouvertes"
        ordering = ["dataset", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "version"], name="publication_unique_version"
            ),
            models.UniqueConstraint(
                fields=["dataset"],
                condition=models.Q(status="published"),
                name="publication_one_published_per_dataset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.version}"


class PublicationFile(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        GEOJSON = "geojson", "GeoJSON"
        PARQUET = "parquet", "Parquet"
        SCHEMA = "schema", "Table Schema"

    MEDIA_TYPES = {
        "csv": "text/csv",
        "geojson": "application/geo+json",
        "parquet": "application/vnd.apache.parquet",
        "schema": "application/schema+json",
    }

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    format = models.CharField("format", max_length=10, choices=Format.choices)
    path = models.CharField("chemin", max_length=400)
    byte_size = models.PositiveBigIntegerField("taille en octets", default=0)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)

    class Meta:
        verbose_name = "fichier publié"
        verbose_name_plural = "fichiers publiés"
        ordering = ["publication", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "format"], name="publication_file_one_per_format"
            )
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def media_type(self) -> str:
        return self.MEDIA_TYPES[self.format]
