import pytest

from guichet.catalogue.forms import InvalidFormDefinition, parse_form_definition


def _field(name, type_="short_text", **rules):
    return {"name": name, "label": name.capitalize(), "type": type_, **rules}


def _choice(name, *values, **rules):
    return _field(name, "choice", choices=[{"value": v, "label": v} for v in values], **rules)


def _errors_for(definition) -> str:
    with pytest.raises(InvalidFormDefinition) as caught:
        parse_form_definition(definition)
    return " | ".join(caught.value.errors)


def test_a_definition_with_every_field_type_is_parsed_and_round_trips():
    # given one field of each type with their rules
    definition = [
        _field("nom", min_length=2, max_length=50, pattern="[A-Za-z ]+", pattern_message="Lettres"),
        _field("texte", "long_text", max_length=100),
        _field("nombre", "number", min_value=1, max_value=10, integer_only=True),
        _field("jour", "date", min_date="2020-01-01", not_in_future=True),
        _choice("motif", "a", "b"),
        _field(
            "options", "multiple_choice", choices=[{"value": "x", "label": "X"}], max_selections=1
        ),
        _field("courriel", "email", required=True),
        _field("telephone", "phone"),
        _field("adresse", "address"),
        _field("lieu", "location"),
        _field("piece", "file", allowed_types=["pdf"], max_size_mb=2, max_files=2),
        _field("accord", "checkbox", show_if={"field": "motif", "in": ["a"]}),
    ]
    # when it is parsed
    form = parse_form_definition(definition)
    # then every field keeps its type and the compact JSON parses back to the same form
    assert [field.type for field in form.fields] == [
        "short_text", "long_text", "number", "date", "choice", "multiple_choice",
        "email", "phone", "address", "location", "file", "checkbox",
    ]  # fmt: skip
    assert parse_form_definition(form.to_json()) == form
    assert form.to_json()[0] == definition[0]


def test_an_empty_or_missing_definition_is_an_empty_form():
    assert parse_form_definition([]).fields == []
    assert parse_form_definition(None).fields == []


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ([_field("a", "zip")], "type de champ inconnu « zip »"),
        ([{"name": "a", "label": "A"}], "la propriété « type » est obligatoire"),
        ([_field("a"), _field("a", "number")], "le nom « a » est utilisé par plusieurs champs"),
        ([_field("Nom Complet")], "seules les minuscules"),
        ([_field("a", label="")], "propriété « label » : valeur trop courte"),
        ([_field("a", colour="red")], "propriété « colour » : propriété inconnue"),
        (
            [_field("b", show_if={"field": "a", "equals": "x"}), _choice("a", "x")],
            "porte sur un champ placé après lui « a »",
        ),
        ([_field("b", show_if={"field": "zz", "equals": "x"})], "un champ inconnu « zz »"),
        (
            [_choice("a", "x"), _field("b", show_if={"field": "a", "equals": "y"})],
            "valeurs absentes des choix de « a » : y",
        ),
        (
            [_field("f", "file"), _field("b", show_if={"field": "f", "equals": "x"})],
            "ne peut pas servir de condition",
        ),
        ([_choice("a", "x"), _field("b", show_if={"field": "a"})], "soit « equals », soit « in »"),
        ([_field("a", "choice", choices=[])], "propriété « choices » : liste vide"),
        ([_choice("a", "x", "x")], "valeurs de choix en double : x"),
        ([_field("a", pattern="([a-z")], "expression régulière invalide"),
        ([_field("a", "number", min_value=5, max_value=1)], "min_value est supérieur"),
        ([_field("a", "date", min_date="2024-02-30")], "date au format AAAA-MM-JJ attendue"),
        ([_field("a", "date", not_in_past=True, not_in_future=True)], "not_in_past"),
        ([_field("a", "file", allowed_types=["exe"])], "valeur non permise"),
        ([_field("a", "file", max_size_mb=0)], "valeur supérieure à 0 attendue"),
        ("pas une liste", "le formulaire doit être une liste de champs"),
        ([42], "champ n° 1 : objet attendu"),
    ],
)
def test_an_invalid_definition_is_rejected_with_a_french_message(definition, expected):
    # when an invalid definition is parsed, then the error says what is wrong, in French
    assert expected in _errors_for(definition)


def test_errors_name_the_field_by_position_and_name():
    # given a valid first field and a broken second one
    definition = [_field("nom"), _field("age", "number", min_value="beaucoup")]
    # when it is parsed, then the message points at the second field and its property
    assert _errors_for(definition) == "champ n° 2 « age », propriété « min_value » : nombre attendu"
