"""Through the REST API: a client files a request whose form has pages, a SIRET and a
repeatable block (sent as a list of objects), and reads the answers back labelled, one line
per block; a wrong block is refused in the API's error shape, in French."""

from __future__ import annotations

import pytest
from api.factories import auth, build_world

from guichet.catalogue import versions
from guichet.catalogue.models import Service
from guichet.core.journal import Actor

from .test_form_structure_browser import FORM

pytestmark = pytest.mark.django_db
URL = "/api/v1/requests"
SYSTEM = Actor.system("tests")


@pytest.fixture
def world():
    world = build_world()
    service = Service.objects.get(slug="question-generale")
    draft = versions.start_draft(service=service, by=SYSTEM)
    draft = versions.save_draft(
        draft=draft,
        by=SYSTEM,
        revision=draft.revision,
        changes={"form_definition": FORM, "channels": ["web", "api"]},
    )
    versions.publish(draft=draft, by=SYSTEM, note="Formulaire en deux pages.")
    return world


def _body(form_data):
    return {
        "service": "question-generale",
        "person": {"email": "claire@exemple.fr", "first_name": "Claire", "last_name": "Petit"},
        "form_data": form_data,
        "commune": "92071",
    }


def test_a_client_files_blocks_as_a_list_and_reads_them_one_line_each(client, world):
    form_data = {
        "sujet": "Inscription à la crèche",
        "siret": "732 829 320 00074",
        "enfants": [
            {"prenom": "Léa", "naissance": "2015-02-03"},
            {"prenom": "Tom", "naissance": "2018-06-01"},
        ],
    }
    response = client.post(
        URL, _body(form_data), content_type="application/json", **auth(world.sceaux_key)
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["form_data"]["siret"] == "73282932000074"
    assert body["form_data"]["enfants"][1] == {"prenom": "Tom", "naissance": "2018-06-01"}
    answers = {answer["field"]: answer for answer in body["answers"]}
    assert set(answers) == {"sujet", "siret", "enfants"}  # no page in the answers
    assert answers["enfants"]["label"] == "Vos enfants"
    assert answers["enfants"]["text"] == (
        "Enfant 1 — Prénom : Léa ; Date de naissance : 03/02/2015\n"
        "Enfant 2 — Prénom : Tom ; Date de naissance : 01/06/2018"
    )


def test_a_wrong_block_is_refused_in_french_in_the_api_error_shape(client, world):
    form_data = {"sujet": "Crèche", "siret": "73282932000074",
                 "enfants": [{"prenom": "Léa"}, "Tom"]}  # fmt: skip
    response = client.post(
        URL, _body(form_data), content_type="application/json", **auth(world.sceaux_key)
    )
    assert response.status_code in (400, 422), response.json()
    text = str(response.json())
    assert "Enfant 1, date de naissance : ce champ est obligatoire." in text
    assert "Enfant 2 : un objet est attendu." in text
