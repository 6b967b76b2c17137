"""« Que puis-je faire à mon adresse ? » reads the postcode and the commune in any address.

Property tests over addresses generated from the shipped territory (Hauts-de-Seine, Indre-et-
Loire, Loiret): whatever the street, the case, the accents, the hyphens, « St » for « Saint » or
a CEDEX mark, the commune typed is among the answers, and alone when its postcode is its own.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support import built_for_the_module

from guichet.portal.address import AddressLookup, communes_in_text, find_communes, use_finder
from guichet.territory.models import Commune, Postcode
from guichet.territory.text import normalize_name

from .conftest import page_text

EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
STREET_TYPES = ["rue", "avenue", "av.", "boulevard", "bd", "chemin", "allée", "place", "impasse"]
STREET_WORDS = ["des Lilas", "du Moulin", "Jean-Jaurès", "de la Gare", "Victor Hugo", "des Écoles"]


def _build():
    call_command("import_territory", verbosity=0, quiet=True)
    communes = {c.code: c for c in Commune.objects.filter(kind=Commune.Kind.CURRENT)}
    postcodes = defaultdict(set)
    for code, commune_code in Postcode.objects.values_list("code", "commune_code"):
        if commune_code in communes:
            postcodes[code].add(commune_code)
    served = [
        (communes[commune_code], postcode, len(codes))
        for postcode, codes in sorted(postcodes.items())
        for commune_code in sorted(codes)
    ]
    names = {c.search_name for c in communes.values()}
    return served, names


@pytest.fixture(scope="module")
def territory(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, _build) as built:
        yield built


def _written(name: str, draw) -> str:
    """The commune's name as a person may type it."""
    if draw(st.booleans()):
        name = normalize_name(name)  # no accents, lower case, spaces for hyphens
    if draw(st.booleans()):
        name = name.replace("-", " ")
    for saint, short in (("Saint", "St"), ("Sainte", "Ste"), ("saint", "st"), ("sainte", "ste")):
        if draw(st.booleans()):
            name = name.replace(f"{saint} ", f"{short} ").replace(f"{saint}-", f"{short}-")
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    return case(name)


def _street(draw) -> str:
    number = draw(st.integers(min_value=1, max_value=250))
    suffix = draw(st.sampled_from(["", " bis", " ter", ", "]))
    street = f"{draw(st.sampled_from(STREET_TYPES))} {draw(st.sampled_from(STREET_WORDS))}"
    return f"{number}{suffix} {street}"


@pytest.mark.django_db
@EXAMPLES
@given(data=st.data())
def test_a_full_address_with_its_postcode_finds_its_commune(territory, data):
    served, _names = territory
    commune, postcode, sharing = data.draw(st.sampled_from(served))
    cedex = data.draw(st.sampled_from(["", " CEDEX", " Cedex 5", " cedex 12"]))
    separator = data.draw(st.sampled_from([" ", ", ", "\n"]))
    address = (
        f"{_street(data.draw)}{separator}{postcode} {_written(commune.name, data.draw)}{cedex}"
    )
    # when a resident types that whole address
    found = communes_in_text(address)
    # then the commune is found; alone unless its postcode serves a namesake as well
    assert commune in found.communes, address
    assert found.postcode == postcode
    if sharing == 1:
        assert found.communes == [commune]
    else:
        assert all(c.search_name == commune.search_name for c in found.communes), address


@pytest.mark.django_db
@EXAMPLES
@given(data=st.data())
def test_an_address_without_postcode_finds_its_commune_by_name(territory, data):
    served, names = territory
    commune, _postcode, _sharing = data.draw(st.sampled_from(served))
    # a street whose words happen to name another commune would rightly be ambiguous
    assume(not any(normalize_name(w) in names for w in STREET_WORDS))
    address = f"{_street(data.draw)}, {_written(commune.name, data.draw)}"
    found = communes_in_text(address)
    assert commune in found.communes, address
    assert all(c.search_name == commune.search_name for c in found.communes), address


@pytest.mark.django_db
@EXAMPLES
@given(data=st.data())
def test_a_postcode_shared_by_several_communes_offers_them_all_without_a_name(territory, data):
    served, _names = territory
    shared = [(c, p) for c, p, sharing in served if sharing > 1]
    commune, postcode = data.draw(st.sampled_from(shared))
    found = communes_in_text(f"{_street(data.draw)} {postcode}")
    assert commune in found.communes and len(found.communes) > 1
    assert found.postcode == postcode


def test_the_home_page_takes_a_full_address(client, territory, db):
    # when a resident types her whole address on the home page
    response = client.get("/", {"q": "12 rue Houdan 92330 Sceaux"})
    # then she lands on Sceaux's services, not on « Aucune commune ne correspond »
    assert response.status_code == 302 and response["Location"] == "/communes/92071/"
    # and a postcode La Poste shares, with a street, still asks which commune
    shared = client.get("/", {"q": "3 rue de la Loire 37400"})
    text = page_text(shared)
    assert "Le code postal 37400 dessert plusieurs communes : choisissez la vôtre." in text
    assert "Amboise" in text


def test_an_address_naming_no_commune_says_what_to_type(client, territory, db):
    response = client.get("/", {"q": "12 rue de Nulle-Part"})
    text = page_text(response)
    assert "Aucune commune ne correspond à « 12 rue de Nulle-Part »." in text
    assert "Indiquez le code postal ou le nom de la commune." in text


def test_a_geocoding_plugin_replaces_the_text_reading(territory, db):
    # given a plugin that knows the Jardin de la Ménagerie is in Sceaux
    sceaux = Commune.objects.get(code="92071")

    def geocoder(text):
        return AddressLookup([sceaux]) if "ménagerie" in text.lower() else AddressLookup()

    try:
        use_finder(geocoder)
        # then the portal's look-up asks it
        assert find_communes("Jardin de la Ménagerie").communes == [sceaux]
        assert find_communes("Sceaux").communes == []
    finally:
        use_finder(communes_in_text)
