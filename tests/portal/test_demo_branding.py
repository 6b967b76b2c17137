"""The demo shows the platform's neutral theme, and one commune's branding: Sceaux's."""

import pytest
from django.test import Client

from guichet.authorities import events
from guichet.authorities.models import Authority
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.demo.world import _authorities, build_world


@pytest.mark.django_db
def test_the_demo_gives_sceaux_its_logo_and_accent_once_and_leaves_the_rest_neutral():
    # given the demo world, its authorities put on the platform twice (it is idempotent)
    build_world(population=1)
    _authorities(Actor.system("démonstration"))
    # then Sceaux has its made-up logo and accent, with no change event (set when created)
    sceaux = Authority.objects.get(slug="sceaux")
    assert (sceaux.brand_color, sceaux.logo_url) == ("#7a2e3b", "demo/sceaux.svg")
    assert not Event.objects.filter(kind=events.AUTHORITY_CHANGED).exists()
    # and the other authorities keep the platform's look
    others = Authority.objects.exclude(slug="sceaux")
    assert set(others.values_list("brand_color", flat=True)) == {""}
    # and the logo file is served
    response = Client().get("/static/demo/sceaux.svg")
    assert response.status_code == 200
    assert b"Ville de Sceaux" in b"".join(response.streaming_content)
