"""The demo has a designer of Sceaux's services, who lands on the designer and sees its models."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from guichet.demo.world import build_world


@pytest.mark.django_db
def test_the_demo_designer_of_sceaux_lands_on_the_designer():
    # given the demo world built (twice: it is idempotent)
    report = build_world(population=1)
    build_world(population=1)
    # then its accounts list Sceaux's designer of services, once
    designers = [a for a in report.accounts if a[0] == "concepteur.sceaux"]
    assert designers == [("concepteur.sceaux", "concepteur de démarches", "Ville de Sceaux")]
    # and signed in, they land on the designer, which offers the library's models
    client = Client()
    client.force_login(get_user_model().objects.get(username="concepteur.sceaux"))
    response = client.get("/agents/", follow=True)
    assert response.redirect_chain == [("/agents/concepteur/", 302)]
    page = client.get("/agents/concepteur/nouveau/").content.decode()
    assert "Créer un service" in page and 'id="modele-signalement-voirie"' in page
