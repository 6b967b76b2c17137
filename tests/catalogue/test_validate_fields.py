import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from guichet.catalogue.forms import FormValidationError, validate_submission

MISSING = object()


def _clean(field: dict, value=MISSING, **extra):
    """Cleaned value of one field `f` (or MISSING when left out), or its error messages."""
    definition = [{"name": "f", "label": "Champ", "type": "short_text"} | field]
    data = {} if value is MISSING else {"f": value}
    try:
        return validate_submission(definition, data | extra).get("f", MISSING)
    except FormValidationError as error:
        return error.errors["f"]


# --- presence -------------------------------------------------------------------------


@pytest.mark.parametrize("empty", [MISSING, None, "", "   ", [], {}])
def test_a_required_field_left_empty_is_refused(empty):
    assert _clean({"required": True}, empty) == ["Ce champ est obligatoire."]


@pytest.mark.parametrize("empty", [MISSING, None, "", "  "])
def test_an_optional_field_left_empty_is_left_out_of_cleaned_data(empty):
    assert _clean({}, empty) is MISSING


def test_unknown_keys_are_dropped():
    cleaned = validate_submission(
        [{"name": "a", "label": "A", "type": "short_text"}],
        {"a": "x", "intrus": "y", "csrfmiddlewaretoken": "z"},
    )
    assert cleaned == {"a": "x"}


def test_errors_carry_the_field_labels_for_screens():
    # given a phone field labelled "Téléphone"
    definition = [{"name": "tel", "label": "Téléphone", "type": "phone"}]
    # when an invalid number is sent
    with pytest.raises(FormValidationError) as caught:
        validate_submission(definition, {"tel": "12"})
    # then the error can be shown with its label
    assert caught.value.labels == {"tel": "Téléphone"}
    assert caught.value.labelled_messages() == ["Téléphone : Numéro de téléphone invalide."]


def test_data_that_is_not_a_mapping_is_a_form_error():
    with pytest.raises(FormValidationError) as caught:
        validate_submission([], ["pas", "un", "objet"])
    assert caught.value.errors == {"__all__": ["Les données envoyées sont illisibles."]}


# --- text -----------------------------------------------------------------------------


def test_short_text_is_trimmed_and_keeps_its_inner_spaces():
    assert _clean({}, "  Jean  Dupont ") == "Jean  Dupont"
    assert _clean({}, "Jean\nDupont") == [
        "Ce champ tient sur une ligne : retirez les retours à la ligne."
    ]


def test_long_text_keeps_its_lines_as_sent_but_loses_control_characters():
    assert _clean({"type": "long_text"}, " ligne 1\r\nligne  2\n") == "ligne 1\r\nligne  2"
    assert _clean({"type": "long_text"}, "ligne\x00 2\x07\x0b") == "ligne 2"


def test_a_line_break_counts_as_one_character_however_it_is_sent():
    assert _clean({"type": "long_text", "max_length": 3}, "a\r\nb") == "a\r\nb"
    assert _clean({"type": "long_text", "max_length": 3}, "a\r\nbc") == [
        "Ce texte doit faire au plus 3 caractères (il en fait 4)."
    ]


def test_text_length_limits_are_enforced():
    assert _clean({"max_length": 5}, "abcdef") == [
        "Ce texte doit faire au plus 5 caractères (il en fait 6)."
    ]
    assert _clean({"min_length": 3}, "ab") == [
        "Ce texte doit faire au moins 3 caractères (il en fait 2)."
    ]


def test_a_pattern_mismatch_shows_the_forms_french_message():
    field = {"pattern": "[0-9]{5}", "pattern_message": "Le code postal comporte 5 chiffres."}
    assert _clean(field, "75001") == "75001"
    assert _clean(field, "7500") == ["Le code postal comporte 5 chiffres."]


def test_a_text_field_accepts_a_json_number_but_not_a_list():
    assert _clean({}, 42) == "42"
    assert _clean({}, ["a"]) == ["Saisissez un texte."]


def test_an_address_is_one_line_of_text():
    assert _clean({"type": "address"}, "12 rue de la Paix\n75002 Paris") == [
        "Ce champ tient sur une ligne : retirez les retours à la ligne."
    ]


# --- e-mail and phone -----------------------------------------------------------------


def test_an_email_is_validated_and_its_domain_lowercased():
    assert _clean({"type": "email"}, " Marie.Curie@Exemple.FR ") == "Marie.Curie@exemple.fr"
    assert _clean({"type": "email"}, "marie@") == ["Saisissez une adresse électronique valide."]


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("01.42.76.40.40", "+33142764040"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+32 2 555 12 12", "+3225551212"),
    ],
)
def test_a_phone_number_is_normalised_to_e164_with_france_as_default(typed, e164):
    assert _clean({"type": "phone"}, typed) == e164


@pytest.mark.parametrize("typed", ["12", "06 12 34", "bonjour", "+33 6 12 34 56 78 90 12"])
def test_an_invalid_phone_number_is_refused(typed):
    assert _clean({"type": "phone"}, typed) == ["Numéro de téléphone invalide."]


# --- numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [("12", 12), ("1 250", 1250), ("1\u202f250,5", 1250.5), ("-3.25", -3.25), (7, 7),
     (2.5, 2.5), ("4,0", 4), (Decimal("1.5"), 1.5)],
)  # fmt: skip
def test_numbers_from_forms_and_json_are_cleaned_to_json_numbers(typed, cleaned):
    value = _clean({"type": "number"}, typed)
    assert value == cleaned
    assert type(value) is type(cleaned)


@pytest.mark.parametrize("typed", ["douze", "1e5", "12abc", True, float("nan"), float("inf"), [1]])
def test_what_is_not_a_number_is_refused(typed):
    assert _clean({"type": "number"}, typed) == ["Saisissez un nombre."]


def test_integer_only_and_bounds_are_enforced_with_french_numbers():
    field = {"type": "number", "integer_only": True, "min_value": 1, "max_value": "2.5"}
    assert _clean(field, "1,5") == ["Saisissez un nombre entier."]
    assert _clean(field, 0) == ["La valeur doit être supérieure ou égale à 1."]
    assert _clean({"type": "number", "max_value": "2.5"}, 3) == [
        "La valeur doit être inférieure ou égale à 2,5."
    ]


def test_an_absurdly_large_number_is_refused():
    assert _clean({"type": "number"}, 10**400) == ["Ce nombre est trop grand."]


# --- dates ----------------------------------------------------------------------------


def test_a_date_is_accepted_as_iso_text_or_date_and_stored_as_iso_text():
    assert _clean({"type": "date"}, "2024-02-29") == "2024-02-29"
    assert _clean({"type": "date"}, dt.date(2024, 3, 1)) == "2024-03-01"


def test_a_badly_written_or_impossible_date_is_refused():
    assert _clean({"type": "date"}, "29/02/2024") == ["La date doit être au format AAAA-MM-JJ."]
    assert _clean({"type": "date"}, "2023-02-29") == ["Cette date n’existe pas."]


def test_date_bounds_and_past_future_rules_are_enforced():
    today = timezone.localdate()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    assert _clean({"type": "date", "not_in_past": True}, yesterday.isoformat()) == [
        "La date ne peut pas être dans le passé."
    ]
    assert _clean({"type": "date", "not_in_past": True}, today.isoformat()) == today.isoformat()
    assert _clean({"type": "date", "not_in_future": True}, tomorrow.isoformat()) == [
        "La date ne peut pas être dans le futur."
    ]
    assert _clean({"type": "date", "min_date": "2020-01-01"}, "2019-12-31") == [
        "La date doit être le 01/01/2020 ou après."
    ]
    assert _clean({"type": "date", "max_date": "2020-01-01"}, "2020-01-02") == [
        "La date doit être le 01/01/2020 ou avant."
    ]


# --- choices --------------------------------------------------------------------------

CHOICES = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]


def test_a_choice_must_be_one_of_the_values():
    assert _clean({"type": "choice", "choices": CHOICES}, "b") == "b"
    assert _clean({"type": "choice", "choices": CHOICES}, "x") == ["Choix invalide : « x »."]
    assert _clean({"type": "choice", "choices": CHOICES}, ["a"]) == ["Choix invalide."]


def test_multiple_choices_come_back_in_the_forms_order_without_duplicates():
    field = {"type": "multiple_choice", "choices": CHOICES}
    assert _clean(field, ["c", "a", "c"]) == ["a", "c"]
    assert _clean(field, "b") == ["b"]


def test_multiple_choices_are_read_from_an_html_form_with_repeated_keys():
    # given a browser posting two ticked options
    form = [{"name": "f", "label": "F", "type": "multiple_choice", "choices": CHOICES}]
    posted = QueryDict("f=a&f=c&autre=1")
    # when validated, then both are kept
    assert validate_submission(form, posted) == {"f": ["a", "c"]}


def test_multiple_choice_rules_are_enforced():
    field = {"type": "multiple_choice", "choices": CHOICES, "min_selections": 2,
             "max_selections": 2}  # fmt: skip
    assert _clean(field, ["a"]) == ["Choisissez au moins 2 options."]
    assert _clean(field, ["a", "b", "c"]) == ["Choisissez au plus 2 options."]
    assert _clean(field, ["a", "z"]) == ["Choix invalide : « z »."]


# --- checkbox and location -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "ticked"),
    [("on", True), ("oui", True), (True, True), (1, True), ("off", False), (False, False),
     (MISSING, False)],
)  # fmt: skip
def test_a_checkbox_reads_html_and_json_values(sent, ticked):
    assert _clean({"type": "checkbox"}, sent) is ticked


def test_a_required_checkbox_must_be_ticked():
    assert _clean({"type": "checkbox", "required": True}, MISSING) == [
        "Vous devez cocher cette case pour continuer."
    ]
    assert _clean({"type": "checkbox"}, "peut-être") == ["Valeur invalide pour une case à cocher."]


@pytest.mark.parametrize(
    "sent",
    [
        {"lat": 48.8566, "lon": 2.3522},
        {"lat": "48.8566", "lng": "2.3522"},
        "48.8566,2.3522",
        '{"lat": 48.8566, "lon": 2.3522}',
        {"type": "Point", "coordinates": [2.3522, 48.8566]},
    ],
)
def test_a_location_is_read_from_several_spellings(sent):
    assert _clean({"type": "location"}, sent) == {"lat": 48.8566, "lon": 2.3522}


def test_a_location_can_come_from_two_html_inputs():
    form = [{"name": "lieu", "label": "Lieu", "type": "location", "required": True}]
    posted = QueryDict("lieu_lat=-21.115&lieu_lon=55.536")  # Saint-Denis de La Réunion
    assert validate_submission(form, posted) == {"lieu": {"lat": -21.115, "lon": 55.536}}


def test_a_location_outside_france_or_malformed_is_refused():
    assert _clean({"type": "location"}, {"lat": 40.71, "lon": -74.0}) == [
        "Ce point n’est pas situé en France."
    ]
    malformed = ["Position invalide : indiquez une latitude et une longitude."]
    assert _clean({"type": "location"}, {"lat": 95, "lon": 2}) == malformed
    assert _clean({"type": "location"}, "Paris") == malformed
    assert _clean({"type": "location"}, [48.8, 2.3]) == malformed
