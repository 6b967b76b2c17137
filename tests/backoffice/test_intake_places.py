"""The counter's request form offers the address search, scoped to the request's commune."""

import re

import pytest

from .test_intake import at_the_counter, request_url

pytestmark = pytest.mark.django_db


def test_the_counter_form_of_a_place_based_service_loads_the_address_search(world, signed_in):
    # given the front desk filing a pothole report for Claire in Sceaux
    client = at_the_counter(signed_in(world.front))
    page = client.get(request_url(world.claire, service="signalement-voirie")).content.decode()
    # then the form has its map and address field, and the address search's script, which asks
    # the address search endpoints about Sceaux
    assert 'class="portal-map"' in page and 'autocomplete="street-address"' in page
    script = re.search(r'<script src="[^"]*catalogue/address_search\.js"[^>]*>', page)
    assert script is not None
    assert 'data-search="/adresses/recherche/"' in script.group(0)
    assert 'data-point="/adresses/point/"' in script.group(0)
    assert 'data-commune="92071"' in script.group(0)
    assert "catalogue/address_search.css" in page
    # and the agent's search is answered (the communes alone: no address search configured)
    found = client.get("/adresses/recherche/", {"q": "92330", "commune": "92071"}).json()
    assert [place["citycode"] for place in found["places"]] == ["92071"]
