"""The DCAT-AP catalogue: SHACL-valid in its three serialisations, complete, served cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from guichet.opendata import catalogue

from .published import operator, publish

DATA = Path(__file__).parent / "data"
SPDX = Namespace("http://spdx.org/rdf/terms#")
SH = Namespace("http://www.w3.org/ns/shacl#")
BASE = "https://guichet.exemple.fr"
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The official shapes and ranges of DCAT-AP 3.0.1. The release's ranges file names 206
    property shapes it does not define (nor does the main file), and the main file two of its
    data-service shapes: pyshacl refuses a reference to an undefined shape, so those dangling
    references (which constrain nothing) are dropped; every defined shape is kept."""
    graph = Graph()
    graph.parse(DATA / "dcat-ap-3.0.1-SHACL.ttl")
    graph.parse(DATA / "dcat-ap-3.0.1-ranges.ttl")
    for node, _, shape in list(graph.triples((None, SH.property, None))):
        if (shape, SH.path, None) not in graph:
            graph.remove((node, SH.property, shape))
    assert len(set(graph.objects(None, SH.property))) > 290
    return graph


@pytest.fixture
def published(db, settings, tmp_path):
    settings.GUICHET_OPENDATA_DIR = tmp_path
    settings.GUICHET_BASE_URL = BASE
    syndicat = operator()
    other = operator(slug="autre-syndicat", name="Autre syndicat", siren="200067890")
    return [
        publish(syndicat),
        publish(syndicat, kind="satisfaction", title="Satisfaction — Syndicat"),
        publish(other, version=1),
        publish(None, title="Demandes — toute la plateforme"),
    ]


def fetch(client, name: str) -> Graph:
    response = client.get(f"/donnees/catalogue.{name}")
    assert response.status_code == 200, response.content[:500]
    graph = Graph()
    graph.parse(data=response.content, format=FORMATS[name])
    return graph


@pytest.mark.parametrize("name", ["ttl", "jsonld", "rdf"])
def test_the_catalogue_conforms_to_the_dcat_ap_shapes_in_each_format(
    client, published, shapes, name
):
    # given four published data sets (two publishers, and the platform's consolidated one)
    # when a harvester reads the catalogue in this serialisation
    graph = fetch(client, name)
    # then it validates against the official DCAT-AP 3.0.1 shapes
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report
    # and holds the four data sets, each with its three distributions
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 4
    assert len(set(graph.subjects(RDF.type, DCAT.Distribution))) == 12


def test_each_distribution_says_where_it_is_how_big_and_its_checksum(client, published):
    graph = fetch(client, "ttl")
    first = published[0]
    files = {f.format: f for f in first.files.all()}
    url = URIRef(f"{BASE}/donnees/{first.dataset.slug}/fichiers/{first.dataset.slug}.csv")
    (distribution,) = graph.subjects(DCAT.downloadURL, url)
    assert graph.value(distribution, DCAT.byteSize) == Literal(
        files["csv"].byte_size, datatype=XSD.nonNegativeInteger
    )
    checksum = graph.value(distribution, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == files["csv"].sha256
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    # the Table Schema published beside it is what it conforms to
    schema = URIRef(
        f"{BASE}/donnees/{first.dataset.slug}/fichiers/{first.dataset.slug}.schema.json"
    )
    assert graph.value(distribution, DCTERMS.conformsTo) == schema
    # every download URL is absolute, on GUICHET_BASE_URL, and serves the very bytes counted
    for download in graph.objects(None, DCAT.downloadURL):
        assert str(download).startswith(BASE + "/donnees/")
    response = client.get(str(url).removeprefix(BASE))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert len(body) == files["csv"].byte_size


def test_a_data_set_names_its_publisher_licence_coverage_and_dates(client, published):
    graph = fetch(client, "jsonld")
    dataset = URIRef(f"{BASE}/donnees/{published[0].dataset.slug}/")
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Syndicat des tests"
    assert str(graph.value(publisher, DCTERMS.identifier)) == "200012342"  # the SIREN
    licence = graph.value(graph.value(dataset, DCAT.distribution), DCTERMS.license)
    assert licence == URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
    spatial = {
        str(graph.value(s, DCTERMS.identifier)) for s in graph.objects(dataset, DCTERMS.spatial)
    }
    assert spatial == {"92071", "92002"}
    period = graph.value(dataset, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2026-11-01"
    assert str(graph.value(period, DCAT.endDate)) == "2026-11-28"
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/DAILY"
    )
    assert graph.value(dataset, DCTERMS.issued) is not None
    assert graph.value(dataset, DCTERMS.modified) is not None
    # the anonymisation's count of suppressed rows ends the description
    assert "n'ont pas été publiées" in str(graph.value(dataset, DCTERMS.description))
    # the platform's consolidated data set is published by the operator, without a SIREN
    platform = URIRef(f"{BASE}/donnees/requests-plateforme/")
    assert graph.value(graph.value(platform, DCTERMS.publisher), DCTERMS.identifier) is None


def test_an_unpublished_choice_or_a_new_version_changes_the_catalogue(client, published):
    first = published[0]
    assert len(set(fetch(client, "ttl").subjects(RDF.type, DCAT.Dataset))) == 4
    # when the authority stops publishing one data set
    first.dataset.publish = False
    first.dataset.save()
    # then the catalogue drops it at once (its cache key changed)
    assert len(set(fetch(client, "ttl").subjects(RDF.type, DCAT.Dataset))) == 3
    # and a new version of another data set is what its distributions describe
    newer = publish(published[2].dataset.authority, version=2, row_count=40)
    graph = fetch(client, "ttl")
    sizes = {int(o) for o in graph.objects(None, DCAT.byteSize)}
    assert {f.byte_size for f in newer.files.all() if f.format == "csv"} <= sizes


def test_the_catalogue_is_served_from_the_cache_with_an_etag(
    client, published, django_assert_max_num_queries
):
    first = client.get("/donnees/catalogue.ttl")
    assert first["Content-Type"].startswith("text/turtle")
    assert client.get("/donnees/catalogue.jsonld")["Content-Type"] == "application/ld+json"
    assert client.get("/donnees/catalogue.rdf")["Content-Type"] == "application/rdf+xml"
    # a second reader costs the fingerprint's queries only, never a rebuild
    with django_assert_max_num_queries(3):
        again = client.get("/donnees/catalogue.ttl")
    assert again.content == first.content
    assert client.get("/donnees/catalogue.ttl", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_empty_platform_still_has_a_valid_catalogue(client, db, shapes, settings):
    settings.GUICHET_BASE_URL = BASE
    graph = fetch(client, "ttl")
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report
    assert not set(graph.subjects(RDF.type, DCAT.Dataset))


def test_unknown_catalogue_formats_are_not_found(client, db):
    assert client.get("/donnees/catalogue.xml").status_code == 404


def test_building_the_graph_needs_no_database():
    assert catalogue.build_graph([]) is not None
