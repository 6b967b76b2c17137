"""The form builder: every change through save_draft, French errors by property, the
keyboard's moves, duplicate, delete with undo, and the preview by the portal's renderer."""

import pytest
from django.urls import reverse

from guichet.backoffice.designer.field_types import available_types
from guichet.catalogue.formdef import parse_form_definition
from guichet.core.models import Event


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


def draft_of(service):
    return service.versions.get(status="draft")


def names(service):
    return [f["name"] for f in draft_of(service).form_definition]


def post(client, service, **data):
    data.setdefault("revision", draft_of(service).revision)
    return client.post(url("builder", service.pk), data)


@pytest.fixture
def blank(dworld, client):
    """A Sceaux service with an empty form, its designer signed in."""
    client.force_login(dworld.designer)
    client.post(url("create"), {"name": "Permis de végétaliser", "model": ""})
    from guichet.catalogue.models import Service

    return Service.objects.get(name="Permis de végétaliser")


def test_every_type_of_the_table_can_be_added(blank, client):
    for kind, _label in available_types():
        response = post(client, blank, op="add", type=kind)
        assert response.status_code == 302, (
            kind,
            response.content.decode().split("erreurs")[1][:800],
        )
    form = draft_of(blank).form_definition
    # a form with pages starts with one: the builder put « Étape 1 » first; a page or a
    # section comes with a first field
    expected = ["page"]
    for kind, _label in available_types():
        expected += [kind, "short_text"] if kind in ("page", "section") else [kind]
    assert [f["type"] for f in form] == expected
    parse_form_definition(form)  # what the builder produced validates


def test_each_change_is_one_saved_revision_and_one_event(blank, client):
    before = Event.objects.filter(kind="service.draft_saved").count()
    post(client, blank, op="add", type="short_text")
    post(client, blank, op="add", type="choice")
    assert draft_of(blank).revision == 3
    assert Event.objects.filter(kind="service.draft_saved").count() == before + 2


def test_editing_a_field_sets_its_properties(blank, client):
    post(client, blank, op="add", type="short_text")
    response = post(
        client, blank, op="edit", champ="champ_1", label="Numéro de voie", name="voie",
        help_text="Sur la façade", required="on", max_length="10", pattern="^[0-9]+$",
        pattern_message="Des chiffres seulement.",
    )  # fmt: skip
    assert response.status_code == 302
    field = draft_of(blank).form_definition[0]
    assert field | {} == field and field["name"] == "voie" and field["required"] is True
    assert field["pattern"] == "^[0-9]+$" and field["max_length"] == 10


def test_a_bad_pattern_is_refused_next_to_its_input_and_what_was_typed_stays(blank, client):
    post(client, blank, op="add", type="short_text")
    response = post(client, blank, op="edit", champ="champ_1", label="Code", name="code",
                    pattern="([0-9", pattern_message="Non.")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "expression régulière n&#x27;est pas valide" in page
    assert 'value="([0-9"' in page and 'value="Code"' in page
    assert names(blank) == ["champ_1"]


def test_a_duplicate_name_is_refused(blank, client):
    post(client, blank, op="add", type="short_text")
    post(client, blank, op="add", type="short_text")
    response = post(client, blank, op="edit", champ="champ_2", label="B", name="champ_1")
    assert response.status_code == 400
    assert "déjà utilisé par un autre champ" in response.content.decode()


def test_choices_and_a_condition_on_an_earlier_field(blank, client):
    post(client, blank, op="add", type="choice")
    post(client, blank, op="edit", champ="champ_1", label="Vous êtes", name="statut",
         choices="particulier | Un particulier\nentreprise | Une entreprise")  # fmt: skip
    post(client, blank, op="add", type="siret")
    response = post(client, blank, op="edit", champ="champ_2", label="SIRET", name="siret",
                    show_if_field="statut", show_if_value="entreprise")  # fmt: skip
    assert response.status_code == 302
    form = draft_of(blank).form_definition
    assert form[1]["show_if"] == {"field": "statut", "equals": "entreprise"}
    # a value that is not one of the choices is refused next to the value
    response = post(client, blank, op="edit", champ="siret", label="SIRET", name="siret",
                    show_if_field="statut", show_if_value="association")  # fmt: skip
    assert (
        response.status_code == 400 and "n&#x27;est pas un des choix" in response.content.decode()
    )


def test_a_condition_on_a_later_field_is_refused(blank, client):
    post(client, blank, op="add", type="short_text")
    post(client, blank, op="add", type="choice")
    response = post(client, blank, op="edit", champ="champ_1", label="A", name="champ_1",
                    show_if_field="champ_2", show_if_value="choix_1")  # fmt: skip
    assert response.status_code == 400
    assert "pas un champ placé avant" in response.content.decode()


def test_fields_move_with_the_keyboards_buttons_and_by_drag_and_drop(blank, client):
    for _ in range(3):
        post(client, blank, op="add", type="short_text")
    response = post(client, blank, op="down", champ="champ_1")
    assert response.status_code == 302 and "deplace=champ_1" in response["Location"]
    assert names(blank) == ["champ_2", "champ_1", "champ_3"]
    post(client, blank, op="up", champ="champ_3")
    assert names(blank) == ["champ_2", "champ_3", "champ_1"]
    post(client, blank, op="up", champ="champ_2")  # already first: nothing moves
    assert names(blank) == ["champ_2", "champ_3", "champ_1"]
    post(client, blank, op="reorder", ordre=["champ_1", "champ_2", "champ_3"])
    assert names(blank) == ["champ_1", "champ_2", "champ_3"]
    response = post(client, blank, op="reorder", ordre=["champ_1", "champ_2"])
    assert response.status_code == 400 and names(blank) == ["champ_1", "champ_2", "champ_3"]


def test_duplicate_then_delete_with_undo(blank, client):
    post(client, blank, op="add", type="short_text")
    post(client, blank, op="add", type="number")
    post(client, blank, op="duplicate", champ="champ_1")
    assert names(blank) == ["champ_1", "champ_1_copie", "champ_2"]
    post(client, blank, op="delete", champ="champ_1_copie")
    assert names(blank) == ["champ_1", "champ_2"]
    page = client.get(url("builder", blank.pk)).content.decode()
    assert "supprimé — " in page and "Annuler" in page
    post(client, blank, op="undo")
    assert names(blank) == ["champ_1", "champ_1_copie", "champ_2"]
    assert post(client, blank, op="undo").status_code == 400  # nothing left to undo


def test_a_stale_builder_save_is_refused(blank, client):
    post(client, blank, op="add", type="short_text")
    response = post(client, blank, op="add", type="short_text", revision=1)
    assert response.status_code == 409 and "Le brouillon a changé" in response.content.decode()
    assert names(blank) == ["champ_1"]


def test_hostile_input_gets_french_messages(blank, client):
    post(client, blank, op="add", type="number")
    for data in (
        {"op": "edit", "champ": "champ_1", "label": "N", "name": "n", "min_value": "1e999"},
        {"op": "edit", "champ": "champ_1", "label": "N", "name": "n", "min_value": "abc"},
        {"op": "edit", "champ": "champ_1", "label": "x\x00", "name": "n"},
        {"op": "edit", "champ": "absent", "label": "N", "name": "n"},
        {"op": "add", "type": "nope"},
        {"op": "frobnicate"},
    ):
        response = post(client, blank, **data)
        assert response.status_code == 400, data
    assert draft_of(blank).revision == 2


def test_the_preview_is_drawn_by_the_portals_renderer_and_may_be_framed(dworld, client):
    client.force_login(dworld.designer)
    response = client.get(url("preview", dworld.terrace.pk))
    page = response.content.decode()
    first = draft_of(dworld.terrace).form_definition[0]["name"]
    assert response.status_code == 200 and f'id="champ-{first}"' in page
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    builder_page = client.get(url("builder", dworld.terrace.pk))
    assert "frame-ancestors 'none'" in builder_page["Content-Security-Policy"]
