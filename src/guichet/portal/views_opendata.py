"""The public open-data pages: the list of data sets, one data set, its files, the catalogue.

Reads only: the published data sets (`opendata.selectors`), their files on disk and the DCAT
catalogue cached by `opendata.catalogue`. Nothing is computed from the requests here.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from guichet.authorities.models import Authority
from guichet.opendata import catalogue as dcat
from guichet.opendata import preview
from guichet.opendata.models import Dataset
from guichet.opendata.selectors import (
    file_path,
    latest_publication,
    public_description,
    published_datasets,
)
from guichet.portal.views._common import not_found, page

PAGE_SIZE = 10
NOT_FOUND = "Ce jeu de données n'existe pas ou n'est pas publié."
FILE_NOT_FOUND = "Ce fichier n'existe pas ou n'est plus publié."
FORMAT_LABELS = {
    "csv": "CSV",
    "geojson": "GeoJSON",
    "parquet": "Parquet",
    "schema": "Schéma (JSON)",
}
DOWNLOAD_ORDER = ["csv", "geojson", "parquet", "schema"]
CATALOGUE_MAX_AGE = 300


def _published(slug: str) -> tuple[Dataset | None, object]:
    dataset = published_datasets().filter(slug=slug).first()
    if dataset is None:
        return None, None
    return dataset, latest_publication(dataset)


def _downloads(dataset: Dataset, publication) -> list[dict]:
    files = {f.format: f for f in publication.files.all()} if publication else {}
    return [
        {
            "format": fmt,
            "label": FORMAT_LABELS[fmt],
            "url": dcat.download_url(dataset.slug, fmt).removeprefix(dcat.base_url()),
            "size": files[fmt].byte_size,
            "sha256": files[fmt].sha256,
        }
        for fmt in DOWNLOAD_ORDER
        if fmt in files
    ]


def _card(dataset: Dataset, *, rows: int = preview.PREVIEW_ROWS) -> dict:
    publication = latest_publication(dataset)
    return {
        "dataset": dataset,
        "publication": publication,
        "description": public_description(dataset, publication),
        "downloads": _downloads(dataset, publication),
        "columns": preview.schema_columns(publication),
        "preview": preview.first_rows(publication, rows),
        "updated_at": publication.finished_at if publication else None,
    }


@require_GET
def index(request):
    """Every published data set, paginated, with its description, schema, first rows and
    files; optionally those of one authority (`?collectivite=<slug>`)."""
    datasets = published_datasets()
    authorities = Authority.objects.filter(pk__in=datasets.values("authority")).order_by("name")
    wanted = request.GET.get("collectivite", "")
    chosen = next((a for a in authorities if a.slug == wanted), None)
    if chosen is not None:
        datasets = datasets.filter(authority=chosen)
    elif wanted == "plateforme":
        datasets = datasets.filter(authority__isnull=True)
    paginator = Paginator(datasets.distinct(), PAGE_SIZE)
    current = paginator.get_page(request.GET.get("page"))
    kept = (
        f"collectivite={chosen.slug}"
        if chosen
        else ("collectivite=plateforme" if wanted == "plateforme" else "")
    )
    return page(
        request,
        "portal/opendata/index.html",
        {
            "title": "Données ouvertes",
            "cards": [_card(d, rows=3) for d in current.object_list],
            "page_obj": current,
            "authorities": authorities,
            "chosen": chosen.slug if chosen else wanted if wanted == "plateforme" else "",
            "kept_query": kept,
        },
    )


@require_GET
def dataset(request, slug: str):
    found, _ = _published(slug)
    if found is None:
        return not_found(request, NOT_FOUND)
    card = _card(found)
    return page(request, "portal/opendata/dataset.html", {"title": found.title, **card})


@require_GET
def download(request, slug: str, filename: str):
    """A published file of the served version, with its media type and SHA-256 as ETag."""
    found, publication = _published(slug)
    stem, _, extension = filename.partition(".")
    fmt = dcat.FORMAT_OF_EXTENSION.get(extension)
    if found is None or publication is None or stem != slug or fmt is None:
        return not_found(request, FILE_NOT_FOUND)
    file = preview.file_of(publication, fmt)
    if file is None:
        return not_found(request, FILE_NOT_FOUND)
    etag = f'"{file.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    try:
        handle = file_path(file).open("rb")
    except OSError:
        return not_found(request, FILE_NOT_FOUND)
    content_type = file.media_type
    if fmt == "csv":
        content_type += "; charset=utf-8"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=filename
    )
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def catalogue(request, name: str):
    """The DCAT-AP catalogue (Turtle, JSON-LD or RDF/XML), from the cache."""
    body, content_type, etag = dcat.document(name)
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={CATALOGUE_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
