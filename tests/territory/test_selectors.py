import pytest

from guichet.territory.models import Commune
from guichet.territory.selectors import (
    commune_at_point,
    commune_by_code,
    communes_by_postcode,
    search_communes,
)

from .helpers import load, run_import, save

pytestmark = pytest.mark.django_db


def test_a_postcode_shared_by_several_communes_returns_them_all(shipped_territory):
    # given the demo territory  # when the postcode of Azay-le-Rideau and its neighbours is read
    communes = communes_by_postcode("37190")
    # then the eight communes it serves come back, by name
    assert [c.name for c in communes] == [
        "Azay-le-Rideau",
        "Cheillé",
        "Druye",
        "Neuil",
        "Rivarennes",
        "Saché",
        "Vallères",
        "Villaines-les-Rochers",
    ]
    assert [c.name for c in communes_by_postcode("92330")] == ["Sceaux"]


def test_an_unknown_postcode_returns_no_commune(shipped_territory):
    assert communes_by_postcode("99999") == []


def test_a_postcode_of_an_associated_commune_answers_its_commune(shipped_territory):
    # given Gien's postcode, which also serves Arrabloy (associated with Gien)
    # when it is read  # then Gien comes back once
    assert [c.code for c in communes_by_postcode("45500")].count("45155") == 1


def test_a_point_inside_sceaux_is_in_sceaux(shipped_territory):
    # given the demo territory with boundaries
    # when the point of Sceaux's town hall area is looked up
    commune = commune_at_point(2.2964, 48.7755)
    # then it is Sceaux
    assert commune is not None and commune.code == "92071"
    # and a point in Tours is in Tours
    assert commune_at_point(0.6848, 47.3941).code == "37261"


def test_a_point_in_the_sea_is_in_no_commune(shipped_territory):
    # when a point in the Bay of Biscay is looked up  # then no commune is found
    assert commune_at_point(-3.0, 46.5) is None


def test_a_point_follows_a_boundary_changed_by_a_new_import(shipped_territory, territory_folder):
    # given Sceaux's point answered once (so its prepared boundary is cached)
    assert commune_at_point(2.2964, 48.7755).code == "92071"
    # when a new import gives Sceaux's outline to Antony (92002) and drops Sceaux's
    path = territory_folder / "geojson"
    document = load(path, "communes-92-hauts-de-seine.geojson")
    features = {f["properties"]["code"]: f for f in document["features"]}
    features["92002"]["geometry"] = features["92071"]["geometry"]
    features["92071"]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[2.0, 48.0], [2.001, 48.0], [2.001, 48.001], [2.0, 48.0]]],
    }
    save(path, "communes-92-hauts-de-seine.geojson", document)
    run_import(str(territory_folder))
    # then the same point is now in Antony
    assert commune_at_point(2.2964, 48.7755).code == "92002"


def test_commune_by_code_returns_the_current_commune_not_the_delegated_one(shipped_territory):
    # given 45191, the code of both Le Malesherbois and its delegated commune Malesherbes
    # when it is read  # then the current commune comes back
    commune = commune_by_code("45191")
    assert commune.kind == Commune.Kind.CURRENT
    assert commune.name == "Le Malesherbois"
    assert commune_by_code("00000") is None


def test_search_ignores_accents_case_and_hyphens(shipped_territory):
    # when people type without accents nor hyphens
    found = search_communes("CHATEAU RENAULT")
    # then the commune is found
    assert [c.name for c in found] == ["Château-Renault"]
    assert search_communes("issy")[0].name == "Issy-les-Moulineaux"


def test_search_matches_the_start_of_any_word(shipped_territory):
    # when a word inside the name is typed
    names = [c.name for c in search_communes("moulineaux")]
    # then names containing a word starting with it match
    assert names == ["Issy-les-Moulineaux"]


def test_search_by_code_prefix_and_limit(shipped_territory):
    # when an INSEE code prefix is typed
    found = search_communes("9207", limit=3)
    # then communes with that code prefix come back, by code, up to the limit
    assert [c.code for c in found] == ["92071", "92072", "92073"]


def test_search_puts_current_communes_first(shipped_territory):
    # given "Malesherbes", the delegated commune, and Le Malesherbois, the current one
    # when "male" is typed  # then names starting with it come first, current before delegated
    found = search_communes("malesherb")
    assert [(c.name, c.kind) for c in found] == [
        ("Malesherbes", Commune.Kind.DELEGATED),
        ("Le Malesherbois", Commune.Kind.CURRENT),
    ]
    assert search_communes("   ") == []
