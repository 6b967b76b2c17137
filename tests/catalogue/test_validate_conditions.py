import pytest

from guichet.catalogue.forms import FormValidationError, validate_submission

REPLY = [
    {"name": "reponse_par", "label": "Réponse par", "type": "choice", "required": True,
     "choices": [{"value": "courriel", "label": "Courriel"},
                 {"value": "telephone", "label": "Téléphone"},
                 {"value": "courrier", "label": "Courrier"}]},
    {"name": "courriel", "label": "Courriel", "type": "email", "required": True,
     "show_if": {"field": "reponse_par", "equals": "courriel"}},
    {"name": "ecrit", "label": "Précisions", "type": "long_text", "required": True,
     "show_if": {"field": "reponse_par", "in": ["courriel", "courrier"]}},
]  # fmt: skip


def test_a_hidden_required_field_is_not_required():
    # when the person asks for a phone answer, the e-mail field is hidden
    cleaned = validate_submission(REPLY, {"reponse_par": "telephone"})
    # then it is not demanded
    assert cleaned == {"reponse_par": "telephone"}


def test_a_hidden_field_is_not_kept_even_when_sent():
    # given a value typed into the e-mail field before switching to phone
    data = {"reponse_par": "telephone", "courriel": "a@exemple.fr", "ecrit": "texte"}
    # then neither hidden field reaches the cleaned data
    assert validate_submission(REPLY, data) == {"reponse_par": "telephone"}


def test_a_shown_field_is_required_again():
    with pytest.raises(FormValidationError) as caught:
        validate_submission(REPLY, {"reponse_par": "courriel"})
    assert caught.value.errors == {
        "courriel": ["Ce champ est obligatoire."],
        "ecrit": ["Ce champ est obligatoire."],
    }


def test_an_in_condition_shows_the_field_for_any_listed_value():
    cleaned = validate_submission(REPLY, {"reponse_par": "courrier", "ecrit": "Merci"})
    assert cleaned == {"reponse_par": "courrier", "ecrit": "Merci"}


def test_a_field_behind_an_invalid_answer_stays_hidden():
    # given an answer that is not one of the choices
    with pytest.raises(FormValidationError) as caught:
        validate_submission(REPLY, {"reponse_par": "pigeon"})
    # then only that answer is reported, not the fields it would have shown
    assert caught.value.errors == {"reponse_par": ["Choix invalide : « pigeon »."]}


def test_conditions_on_checkboxes_numbers_and_multiple_choices():
    # given fields shown by a ticked box, a number and one of several options
    definition = [
        {"name": "urgent", "label": "Urgent", "type": "checkbox"},
        {"name": "pourquoi", "label": "Pourquoi", "type": "short_text",
         "show_if": {"field": "urgent", "equals": True}},
        {"name": "enfants", "label": "Enfants", "type": "number"},
        {"name": "ages", "label": "Âges", "type": "short_text",
         "show_if": {"field": "enfants", "in": [1, 2, 3]}},
        {"name": "aides", "label": "Aides", "type": "multiple_choice",
         "choices": [{"value": "loyer", "label": "Loyer"}, {"value": "eau", "label": "Eau"}]},
        {"name": "bailleur", "label": "Bailleur", "type": "short_text",
         "show_if": {"field": "aides", "equals": "loyer"}},
    ]  # fmt: skip
    sent = {"pourquoi": "p", "ages": "4", "bailleur": "b"}
    # when each condition holds, from HTML-style strings
    shown = validate_submission(
        definition, sent | {"urgent": "on", "enfants": "2,0", "aides": ["eau", "loyer"]}
    )
    # and when none holds
    hidden = validate_submission(definition, sent | {"enfants": "5", "aides": ["eau"]})
    # then the dependent fields follow
    assert {"pourquoi", "ages", "bailleur"} <= shown.keys()
    assert not {"pourquoi", "ages", "bailleur"} & hidden.keys()
