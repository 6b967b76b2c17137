"""Form definitions with pages, sections, repeatable blocks, SIRET and RNA fields: what a
service's designer may write, and the French messages for what cannot work."""

from __future__ import annotations

import pytest

from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition

CHILDREN = {
    "name": "enfants", "label": "Vos enfants", "type": "repeat", "item_label": "Enfant",
    "add_label": "Ajouter un enfant", "max_items": 4,
    "fields": [
        {"name": "prenom", "label": "Prénom", "type": "short_text", "required": True},
        {"name": "naissance", "label": "Date de naissance", "type": "date", "required": True},
    ],
}  # fmt: skip
STATUS = {
    "name": "statut", "label": "Vous êtes", "type": "choice", "required": True,
    "choices": [{"value": "particulier", "label": "Un particulier"},
                {"value": "entreprise", "label": "Une entreprise"}],
}  # fmt: skip


def _errors(definition) -> list[str]:
    with pytest.raises(InvalidFormDefinition) as caught:
        parse_form_definition(definition)
    return caught.value.errors


def test_a_form_with_pages_sections_blocks_siret_and_rna_is_accepted_and_kept_compact():
    # given a two-page form: a conditional section with a SIRET, then a repeatable block
    definition = [
        {"name": "demandeur", "label": "Le demandeur", "type": "page"},
        STATUS,
        {"name": "entreprise", "label": "Votre entreprise", "type": "section",
         "show_if": {"field": "statut", "equals": "entreprise"}},
        {"name": "siret", "label": "Numéro SIRET", "type": "siret", "required": True},
        {"name": "rna", "label": "Numéro RNA", "type": "rna"},
        {"name": "foyer", "label": "Votre foyer", "type": "page"},
        CHILDREN,
        {"name": "surface", "label": "Surface", "type": "number", "unit": "m²", "min_value": "1"},
        {"name": "plaque", "label": "Plaque", "type": "short_text", "min_length": 5,
         "max_length": 12, "pattern": "[A-Z]{2}-[0-9]{3}-[A-Z]{2}",
         "pattern_message": "Saisissez une plaque au format AB-123-CD."},
    ]  # fmt: skip
    # when it is parsed
    form = parse_form_definition(definition)
    # then its items keep their order and kinds, and its compact JSON is what was written
    assert [item.type for item in form.fields][:6] == [
        "page", "choice", "section", "siret", "rna", "page"
    ]  # fmt: skip
    assert [item.name for item in form.questions] == [
        "statut", "siret", "rna", "enfants", "surface", "plaque"
    ]  # fmt: skip
    assert form.has_pages
    assert (
        form.field("enfants").least == 0 and form.field("enfants").add_text == "Ajouter un enfant"
    )
    assert form.to_json() == definition
    assert parse_form_definition(form.to_json()) == form


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (  # a condition on a field placed after: both named
            [{"name": "a", "label": "A", "type": "short_text",
              "show_if": {"field": "b", "equals": "x"}},
             {"name": "b", "label": "B", "type": "short_text"}],
            "la condition du champ « a » porte sur un champ placé après lui « b »",
        ),
        (  # a condition on a field deleted since
            [{"name": "a", "label": "A", "type": "short_text",
              "show_if": {"field": "efface", "equals": "x"}}],
            "la condition du champ « a » porte sur un champ inconnu « efface » (supprimé",
        ),
        (  # a section's condition on a field that cannot be compared
            [{"name": "quand", "label": "Quand", "type": "date"},
             {"name": "suite", "label": "Suite", "type": "section",
              "show_if": {"field": "quand", "equals": "2026-01-01"}}],
            "la condition de la section « suite » porte sur « quand », de type date, qui ne "
            "peut pas servir de condition",
        ),
        (  # a condition on a section
            [{"name": "partie", "label": "Partie", "type": "section"},
             {"name": "a", "label": "A", "type": "short_text",
              "show_if": {"field": "partie", "equals": "x"}}],
            "la condition du champ « a » porte sur « partie », de type section",
        ),
        (  # a condition on a field inside a block
            [CHILDREN, {"name": "a", "label": "A", "type": "short_text",
                        "show_if": {"field": "prenom", "equals": "x"}}],
            "la condition du champ « a » porte sur « prenom », un champ d’un bloc répétable",
        ),
        (  # a block's condition on itself
            [CHILDREN | {"show_if": {"field": "enfants", "equals": "x"}}],
            "la condition du bloc répétable « enfants » porte sur lui-même",
        ),
        (  # the same name inside a block and outside
            [{"name": "prenom", "label": "Prénom", "type": "short_text"}, CHILDREN],
            "le nom « prenom » est utilisé par plusieurs champs",
        ),
        (  # the same name on two pages
            [{"name": "p1", "label": "Un", "type": "page"},
             {"name": "a", "label": "A", "type": "short_text"},
             {"name": "p2", "label": "Deux", "type": "page"},
             {"name": "a", "label": "A encore", "type": "number"}],
            "le nom « a » est utilisé par plusieurs champs",
        ),
        (  # a page and a field with one name
            [{"name": "a", "label": "Un", "type": "page"},
             {"name": "a", "label": "A", "type": "short_text"}],
            "le nom « a » est utilisé par plusieurs champs",
        ),
        (
            [{"name": "a", "label": "A", "type": "short_text"},
             {"name": "p", "label": "Suite", "type": "page"},
             {"name": "b", "label": "B", "type": "short_text"}],
            "il doit commencer par une page",
        ),
        (
            [{"name": "p1", "label": "Un", "type": "page"},
             {"name": "p2", "label": "Deux", "type": "page"},
             {"name": "b", "label": "B", "type": "short_text"}],
            "la page « p1 » ne contient aucun champ",
        ),
        (  # a pattern that is not a regular expression: the field is named
            [{"name": "code", "label": "Code", "type": "short_text", "pattern": "([A-Z",
              "pattern_message": "Un code."}],
            "champ n° 1 « code », propriété « pattern » : expression régulière invalide",
        ),
        (  # a pattern without its French message
            [{"name": "code", "label": "Code", "type": "short_text", "pattern": "[A-Z]+"}],
            "le champ « code » a un motif (« pattern ») sans message (« pattern_message »)",
        ),
        (
            [{"name": "n", "label": "N", "type": "short_text", "min_length": 9,
              "max_length": 3}],
            "min_length est supérieur à max_length",
        ),
        (  # a file inside a block
            [CHILDREN | {"fields": [{"name": "photo", "label": "Photo", "type": "file"}]}],
            "champ n° 1 « enfants », sous-champ n° 1 « photo » : type « file » non permis ici",
        ),
        (  # a block inside a block
            [CHILDREN | {"fields": [CHILDREN | {"name": "petits"}]}],
            "sous-champ n° 1 « petits » : type « repeat » non permis ici",
        ),
        (
            [CHILDREN | {"min_items": 5, "max_items": 2}],
            "min_items est supérieur à max_items",
        ),
        (
            [CHILDREN | {"max_items": 500}],
            "propriété « max_items » : valeur au plus égale à 50 attendue",
        ),
        (
            [CHILDREN | {"fields": []}],
            "propriété « fields » : liste vide ou trop courte",
        ),
        (  # a condition inside a block
            [CHILDREN | {"fields": [
                {"name": "a", "label": "A", "type": "checkbox"},
                {"name": "b", "label": "B", "type": "short_text",
                 "show_if": {"field": "a", "equals": True}}]}],
            "le champ « b » du bloc répétable « enfants » ne peut pas avoir de condition",
        ),
        (
            [{k: v for k, v in CHILDREN.items() if k != "item_label"}],
            "propriété « item_label » : propriété obligatoire manquante",
        ),
        (
            [{"name": "x", "label": "X", "type": "siret", "pattern": "[0-9]+"}],
            "propriété « pattern » : propriété inconnue",
        ),
    ],
)  # fmt: skip
def test_a_definition_that_cannot_work_is_refused_with_a_french_message(definition, expected):
    errors = _errors(definition)
    assert any(expected in error for error in errors), errors


def test_every_problem_across_items_is_listed_at_once():
    errors = _errors(
        [
            {
                "name": "a",
                "label": "A",
                "type": "short_text",
                "show_if": {"field": "z", "equals": 1},
            },
            {"name": "a", "label": "A", "type": "short_text"},
            {"name": "p", "label": "P", "type": "page"},
        ]
    )
    assert len(errors) == 4, errors  # the condition, the name, no first page, an empty page
