"""The DCAT-AP catalogue of every published data set (issue 19, ADR 0037).

One rdflib graph, built from the published data sets and their files, serialised as Turtle,
JSON-LD and RDF/XML at `/donnees/catalogue.ttl|.jsonld|.rdf` for data.gouv.fr or a CKAN to
harvest. Every node the DCAT-AP 3.0.1 shapes constrain by class is typed explicitly (the
harvesters and the SHACL validation read no ontology). Absolute URLs come from
`GUICHET_BASE_URL`.

Building the graph of hundreds of data sets takes a second or more, so the three
serialisations are kept in the Django cache under a fingerprint of what is published (one
aggregate query): a request reads the fingerprint and the cached bytes; a new publication
changes the fingerprint, and the task `refresh` (queued after a publication's event) builds
the new one before anyone asks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from guichet.opendata.models import Dataset, Publication, PublicationFile

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"

# Licence Ouverte / Open Licence 2.0 (Etalab): the address data.gouv.fr recognises.
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
LICENCE_TITLE = "Licence Ouverte / Open Licence version 2.0"
LICENCE_ID = "etalab-2.0"
FRICTIONLESS_TABLE_SCHEMA = URIRef("https://specs.frictionlessdata.io/table-schema/")

# format → (EU file type, file extension in the download URL)
FORMATS = {
    "csv": ("CSV", "csv"),
    "geojson": ("GEOJSON", "geojson"),
    "parquet": ("PARQUET", "parquet"),
}
SCHEMA_EXTENSION = "schema.json"
FORMAT_OF_EXTENSION = {ext: fmt for fmt, (_, ext) in FORMATS.items()} | {SCHEMA_EXTENSION: "schema"}

# The EU data themes' French labels (publications.europa.eu/resource/authority/data-theme)
THEMES = {
    "AGRI": "Agriculture, pêche, sylviculture et alimentation",
    "ECON": "Économie et finances",
    "EDUC": "Éducation, culture et sport",
    "ENER": "Énergie",
    "ENVI": "Environnement",
    "GOVE": "Gouvernement et secteur public",
    "HEAL": "Santé",
    "INTR": "Questions internationales",
    "JUST": "Justice, système juridique et sécurité publique",
    "REGI": "Régions et villes",
    "SOCI": "Population et société",
    "TECH": "Science et technologie",
    "TRAN": "Transports",
}

SERIALISATIONS = {
    # name → (rdflib format, content type)
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),  # pretty-xml is much slower on 500 data sets
}
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class FileEntry:
    format: str
    byte_size: int
    sha256: str
    media_type: str


@dataclass(frozen=True)
class DatasetEntry:
    """What the catalogue says of one published data set (no database in the graph builder)."""

    slug: str
    title: str
    description: str
    publisher_key: str
    publisher_name: str
    publisher_siren: str
    theme: str
    frequency: str
    issued: datetime
    modified: datetime
    period_start: date | None = None
    period_end: date | None = None
    communes: tuple[str, ...] = ()
    files: tuple[FileEntry, ...] = field(default_factory=tuple)


def base_url() -> str:
    return settings.GUICHET_BASE_URL.rstrip("/")


def dataset_url(slug: str) -> str:
    return base_url() + reverse("opendata:dataset", args=[slug])


def download_url(slug: str, fmt: str) -> str:
    extension = SCHEMA_EXTENSION if fmt == "schema" else FORMATS[fmt][1]
    return base_url() + reverse("opendata:file", args=[slug, f"{slug}.{extension}"])


def published_entries() -> list[DatasetEntry]:
    """Every data set an authority chose to publish that has a published version, by slug.

    Three queries (and one for the first versions), whatever the number of data sets."""
    publications = (
        Publication.objects.filter(status=Publication.Status.PUBLISHED, dataset__publish=True)
        .select_related("dataset__authority")
        .prefetch_related("files")
        .order_by("dataset__slug", "-version")
    )
    # the first publication of each data set is its dct:issued
    first_versions = dict(
        Publication.objects.filter(
            status__in=[Publication.Status.PUBLISHED, Publication.Status.SUPERSEDED]
        )
        .values("dataset_id")
        .annotate(first=Min("finished_at"))
        .values_list("dataset_id", "first")
    )
    entries: list[DatasetEntry] = []
    seen: set[int] = set()
    for publication in publications:
        dataset = publication.dataset
        if dataset.pk in seen:  # only the newest published version is served
            continue
        seen.add(dataset.pk)
        entries.append(entry_of(dataset, publication, issued=first_versions.get(dataset.pk)))
    return entries


def entry_of(
    dataset: Dataset, publication: Publication, *, issued: datetime | None = None
) -> DatasetEntry:
    authority = dataset.authority
    modified = publication.finished_at or publication.started_at
    description = dataset.description.strip()
    if publication.summary:
        description = f"{description}\n\n{publication.summary}".strip()
    return DatasetEntry(
        slug=dataset.slug,
        title=dataset.title,
        description=description or dataset.title,
        publisher_key=authority.slug if authority else "plateforme",
        publisher_name=authority.name if authority else settings.GUICHET_OPERATOR_NAME,
        publisher_siren=(authority.siren if authority else "") or "",
        theme=dataset.theme or "GOVE",
        frequency=dataset.frequency,
        issued=issued or modified,
        modified=modified,
        period_start=publication.period_start,
        period_end=publication.period_end,
        communes=tuple(str(code) for code in publication.communes or ()),
        files=tuple(
            FileEntry(
                format=f.format, byte_size=f.byte_size, sha256=f.sha256, media_type=f.media_type
            )
            for f in publication.files.all()
        ),
    )


def build_graph(entries: list[DatasetEntry]) -> Graph:
    """The DCAT-AP graph of `entries`: one dcat:Catalog, its data sets and distributions."""
    graph = Graph()
    for prefix, namespace in {
        "dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "skos": SKOS, "spdx": SPDX,
        "vcard": VCARD, "adms": ADMS,
    }.items():  # fmt: skip
        graph.bind(prefix, namespace)
    add = graph.add
    root = base_url()
    catalogue = URIRef(root + reverse("opendata:index"))
    operator = _agent(graph, "plateforme", settings.GUICHET_OPERATOR_NAME, "")
    add((catalogue, RDF.type, DCAT.Catalog))
    add(
        (
            catalogue,
            DCTERMS.title,
            Literal(f"Données ouvertes — {settings.GUICHET_OPERATOR_NAME}", lang="fr"),
        )
    )  # noqa: E501
    add((catalogue, DCTERMS.description, Literal(
        "Jeux de données anonymisés publiés par les collectivités de la plateforme Guichet : "
        "demandes, services et délais, satisfaction, parcours des usagers.", lang="fr")))  # fmt: skip
    add((catalogue, DCTERMS.publisher, operator))
    add((catalogue, FOAF.homepage, _typed(graph, catalogue, FOAF.Document)))
    add(
        (
            catalogue,
            DCTERMS.language,
            _typed(graph, URIRef(EU + "language/FRA"), DCTERMS.LinguisticSystem),
        )
    )  # noqa: E501
    add((catalogue, DCTERMS.license, _licence(graph)))
    if entries:
        add((catalogue, DCTERMS.modified, _moment(max(e.modified for e in entries))))
    agents: dict[str, URIRef] = {"plateforme": operator}
    for entry in entries:
        publisher = agents.get(entry.publisher_key)
        if publisher is None:
            publisher = _agent(
                graph, entry.publisher_key, entry.publisher_name, entry.publisher_siren
            )
            agents[entry.publisher_key] = publisher
        add((catalogue, DCAT.dataset, _dataset(graph, entry, publisher)))
    return graph


def _dataset(graph: Graph, entry: DatasetEntry, publisher: URIRef) -> URIRef:
    add = graph.add
    page = dataset_url(entry.slug)
    node = URIRef(page)
    add((node, RDF.type, DCAT.Dataset))
    add((node, DCTERMS.identifier, Literal(page)))
    add((node, DCTERMS.title, Literal(entry.title, lang="fr")))
    add((node, DCTERMS.description, Literal(entry.description, lang="fr")))
    add((node, DCTERMS.publisher, publisher))
    add((node, DCAT.landingPage, _typed(graph, node, FOAF.Document)))
    add((node, DCAT.theme, _theme(graph, entry.theme)))
    add(
        (
            node,
            DCTERMS.accrualPeriodicity,
            _typed(graph, URIRef(f"{EU}frequency/{entry.frequency}"), DCTERMS.Frequency),
        )
    )  # noqa: E501
    add((node, DCTERMS.issued, _moment(entry.issued)))
    add((node, DCTERMS.modified, _moment(entry.modified)))
    add((node, DCTERMS.language, URIRef(EU + "language/FRA")))
    add((node, DCAT.keyword, Literal("données ouvertes", lang="fr")))
    for code in entry.communes:
        location = _typed(graph, URIRef(INSEE_COMMUNE + code), DCTERMS.Location)
        graph.add((location, DCTERMS.identifier, Literal(code)))
        add((node, DCTERMS.spatial, location))
    if entry.period_start or entry.period_end:
        period = BNode(f"periode-{entry.slug}")
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        if entry.period_start:
            add((period, DCAT.startDate, Literal(entry.period_start, datatype=XSD.date)))
        if entry.period_end:
            add((period, DCAT.endDate, Literal(entry.period_end, datatype=XSD.date)))
        add((node, DCTERMS.temporal, period))
    schema = next((f for f in entry.files if f.format == "schema"), None)
    standard = None
    if schema is not None:
        standard = _typed(graph, URIRef(download_url(entry.slug, "schema")), DCTERMS.Standard)
        add((standard, DCTERMS.title, Literal(f"Schéma (Table Schema) — {entry.title}", lang="fr")))
        add(
            (
                standard,
                DCTERMS.conformsTo,
                _typed(graph, FRICTIONLESS_TABLE_SCHEMA, DCTERMS.Standard),
            )
        )  # noqa: E501
        add((node, DCTERMS.conformsTo, standard))
    for file in entry.files:
        if file.format in FORMATS:
            add((node, DCAT.distribution, _distribution(graph, entry, file, standard)))
    return node


def _distribution(graph: Graph, entry: DatasetEntry, file: FileEntry, standard) -> URIRef:
    add = graph.add
    url = download_url(entry.slug, file.format)
    node = URIRef(url + "#distribution")
    file_type, _ = FORMATS[file.format]
    add((node, RDF.type, DCAT.Distribution))
    add((node, DCTERMS.title, Literal(f"{entry.title} ({file_type})", lang="fr")))
    add((node, DCAT.accessURL, URIRef(dataset_url(entry.slug))))
    add((node, DCAT.downloadURL, URIRef(url)))
    add(
        (
            node,
            DCTERMS.format,
            _typed(graph, URIRef(f"{EU}file-type/{file_type}"), DCTERMS.MediaTypeOrExtent),
        )
    )  # noqa: E501
    add((node, DCAT.mediaType, _typed(graph, URIRef(IANA + file.media_type), DCTERMS.MediaType)))
    add((node, DCTERMS.license, _licence(graph)))
    add((node, DCAT.byteSize, Literal(file.byte_size, datatype=XSD.nonNegativeInteger)))
    add((node, DCTERMS.modified, _moment(entry.modified)))
    checksum = BNode(f"empreinte-{entry.slug}-{file.format}")
    add((checksum, RDF.type, SPDX.Checksum))
    add(
        (
            checksum,
            SPDX.algorithm,
            _typed(graph, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm),
        )
    )  # noqa: E501
    add((checksum, SPDX.checksumValue, Literal(file.sha256, datatype=XSD.hexBinary)))
    add((node, SPDX.checksum, checksum))
    if standard is not None:
        add((node, DCTERMS.conformsTo, standard))
    return node


def _agent(graph: Graph, key: str, name: str, siren: str) -> URIRef:
    node = URIRef(f"{base_url()}{reverse('opendata:index')}#editeur-{key}")
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, Literal(name, lang="fr")))
    if siren:
        graph.add((node, DCTERMS.identifier, Literal(siren)))
        identifier = BNode(f"siren-{key}")
        graph.add((identifier, RDF.type, ADMS.Identifier))
        graph.add((identifier, SKOS.notation, Literal(siren)))
        graph.add((identifier, DCTERMS.creator, URIRef("https://www.insee.fr/")))
        graph.add((node, ADMS.identifier, identifier))
    return node


def _typed(graph: Graph, node: URIRef, kind: URIRef) -> URIRef:
    graph.add((node, RDF.type, kind))
    return node


def _licence(graph: Graph) -> URIRef:
    if (LICENCE, RDF.type, DCTERMS.LicenseDocument) not in graph:
        graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
        graph.add((LICENCE, DCTERMS.title, Literal(LICENCE_TITLE, lang="fr")))
        graph.add((LICENCE, DCTERMS.identifier, Literal(LICENCE_ID)))
    return LICENCE


def _theme(graph: Graph, code: str) -> URIRef:
    node = _typed(graph, URIRef(f"{EU}data-theme/{code}"), SKOS.Concept)
    graph.add((node, SKOS.prefLabel, Literal(THEMES.get(code, code), lang="fr")))
    scheme = _typed(graph, URIRef(EU + "data-theme"), SKOS.ConceptScheme)
    graph.add((scheme, DCTERMS.title, Literal("Thèmes des données (Union européenne)", lang="fr")))
    graph.add((node, SKOS.inScheme, scheme))
    return node


def _moment(value: datetime | date) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.replace(microsecond=0), datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


# --- serving --------------------------------------------------------------------------


def fingerprint() -> str:
    """What is published now, in one aggregate query: changes with any new publication,
    any data set's change (title, choice to publish) and the base URL."""
    published = Publication.objects.filter(status=Publication.Status.PUBLISHED)
    state = published.aggregate(
        latest=Max("id"), count=Count("id"), finished=Max("finished_at"),
        datasets=Max("dataset__modified_at"),
    )  # fmt: skip
    settled = Dataset.objects.aggregate(changed=Max("modified_at"), count=Count("id"))
    text = f"{sorted(state.items())}|{sorted(settled.items())}|{base_url()}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _cache_key(print_: str, name: str) -> str:
    return f"opendata:catalogue:{print_}:{name}"


def serialise(graph: Graph, name: str) -> bytes:
    rdf_format, _ = SERIALISATIONS[name]
    if name == "jsonld":
        return graph.serialize(format=rdf_format, auto_compact=True).encode()
    return graph.serialize(format=rdf_format, encoding="utf-8")


def build_all(print_: str | None = None) -> dict[str, bytes]:
    """Build the graph once and cache its three serialisations under the fingerprint."""
    print_ = print_ or fingerprint()
    graph = build_graph(published_entries())
    documents = {name: serialise(graph, name) for name in SERIALISATIONS}
    cache.set_many({_cache_key(print_, n): body for n, body in documents.items()}, CACHE_SECONDS)
    return documents


def document(name: str) -> tuple[bytes, str, str]:
    """(body, content type, ETag) of the catalogue in serialisation `name` (ttl, jsonld, rdf)."""
    print_ = fingerprint()
    body = cache.get(_cache_key(print_, name))
    if body is None:  # not warmed yet (first request after a change the task has not seen)
        body = build_all(print_)[name]
    return body, SERIALISATIONS[name][1], f'"{print_}-{name}"'


def refresh() -> None:
    """Periodic/queued job: build the catalogue of what is published now, unless cached."""
    print_ = fingerprint()
    if cache.get(_cache_key(print_, "ttl")) is None:
        build_all(print_)


__all__ = ["FileEntry", "DatasetEntry", "PublicationFile", "build_graph", "document", "refresh"]
