"""A repeatable block's fields are edited with the builder itself (ADR 0035): its own list
of fields, with types, required, help, reorder, duplicate, delete and undo; names unique in
the whole form; only the one-value types a block may hold."""

import html

import pytest

from guichet.catalogue.models import Service

from .test_builder import draft_of, post, url


@pytest.fixture
def household(dworld, client):
    """A Sceaux service whose form holds a first name, then a repeatable block « Enfants »."""
    client.force_login(dworld.designer)
    client.post(url("create"), {"name": "Inscription périscolaire", "model": ""})
    blank = Service.objects.get(name="Inscription périscolaire")
    post(client, blank, op="add", type="short_text")
    first = draft_of(blank).form_definition[0]["name"]
    post(client, blank, op="edit", champ=first, name="prenom", label="Prénom")
    post(client, blank, op="add", type="repeat")
    block = draft_of(blank).form_definition[1]["name"]
    post(client, blank, op="edit", champ=block, name="enfants", label="Enfants",
         item_label="Enfant", add_label="Ajouter un enfant")  # fmt: skip
    inner = block_fields(blank)[0]["name"]
    post(client, blank, op="edit", bloc="enfants", champ=inner, name="enfants_element",
         label="Prénom de l'enfant")  # fmt: skip
    assert block_fields(blank)[0]["name"] == "enfants_element"
    return blank


def block_fields(service):
    block = next(f for f in draft_of(service).form_definition if f["type"] == "repeat")
    return block["fields"]


def test_the_block_is_edited_as_a_list_not_as_json(household, client):
    page = client.get(url("builder", household.pk), {"champ": "enfants"}).content.decode()
    assert 'id="propriete-fields"' not in page  # no JSON box any more
    assert "Modifier les champs du bloc (1)" in page
    inside = html.unescape(
        client.get(url("builder", household.pk), {"bloc": "enfants"}).content.decode()
    )
    assert "Champs du bloc répétable « Enfants »" in inside
    assert 'data-name="enfants_element"' in inside
    assert 'data-name="prenom"' not in inside
    # only the types a block may hold are offered
    assert 'value="file"' not in inside and 'value="location"' not in inside
    assert 'value="number"' in inside


def test_inner_fields_are_added_edited_and_reordered(household, client):
    # when the designer adds a number to the block, then edits it
    response = post(client, household, op="add", type="number", bloc="enfants")
    assert response.status_code == 302 and "bloc=enfants" in response.url
    added = block_fields(household)[1]["name"]
    response = post(client, household, op="edit", bloc="enfants", champ=added, name="age",
                    label="Âge", required="on", help_text="En années", unit="ans")  # fmt: skip
    assert response.status_code == 302, html.unescape(response.content.decode())[-1500:]
    inner = block_fields(household)
    assert [f["name"] for f in inner] == ["enfants_element", "age"]
    assert inner[1]["required"] is True and inner[1]["help_text"] == "En années"
    # and moves it up by keyboard, then back by a drag and drop's order
    response = post(client, household, op="up", bloc="enfants", champ="age")
    assert "bloc=enfants" in response.url and "deplace=age" in response.url
    assert [f["name"] for f in block_fields(household)] == ["age", "enfants_element"]
    post(client, household, op="reorder", bloc="enfants", ordre=["enfants_element", "age"])
    assert [f["name"] for f in block_fields(household)] == ["enfants_element", "age"]
    # and the top-level list is untouched
    assert [f["name"] for f in draft_of(household).form_definition] == ["prenom", "enfants"]


def test_names_are_unique_in_the_whole_form(household, client):
    response = post(client, household, op="edit", bloc="enfants", champ="enfants_element",
                    name="prenom", label="Prénom de l'enfant")  # fmt: skip
    assert response.status_code == 400
    assert "Le nom « prenom » est déjà utilisé par un autre champ." in html.unescape(
        response.content.decode()
    )
    assert [f["name"] for f in block_fields(household)] == ["enfants_element"]


def test_a_file_cannot_go_in_a_block(household, client):
    response = post(client, household, op="add", type="file", bloc="enfants")
    assert response.status_code == 400
    assert "Choisissez un type de champ." in response.content.decode()


def test_delete_and_undo_inside_the_block(household, client):
    post(client, household, op="add", type="date", bloc="enfants")
    dated = block_fields(household)[1]["name"]
    post(client, household, op="duplicate", bloc="enfants", champ=dated)
    assert len(block_fields(household)) == 3
    post(client, household, op="delete", bloc="enfants", champ=dated)
    assert dated not in [f["name"] for f in block_fields(household)]
    # the undo is offered on the top-level page too, and puts it back in the block
    response = post(client, household, op="undo")
    assert response.status_code == 302 and "bloc=enfants" in response.url
    assert [f["name"] for f in block_fields(household)][1] == dated
    assert [f["name"] for f in draft_of(household).form_definition] == ["prenom", "enfants"]
