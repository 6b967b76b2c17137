"""Submissions to forms with pages, sections, repeatable blocks, SIRET, RNA and patterns: the
cleaned data, and the French messages field by field (block by block)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from guichet.catalogue.validation import FormValidationError, validate_submission

SIRET = "73282932000074"  # a real, valid SIRET
FORM = [
    {"name": "demandeur", "label": "Le demandeur", "type": "page"},
    {"name": "statut", "label": "Vous êtes", "type": "choice", "required": True,
     "choices": [{"value": "particulier", "label": "Un particulier"},
                 {"value": "entreprise", "label": "Une entreprise"},
                 {"value": "association", "label": "Une association"}]},
    {"name": "entreprise", "label": "Votre entreprise", "type": "section",
     "show_if": {"field": "statut", "equals": "entreprise"}},
    {"name": "siret", "label": "Numéro SIRET", "type": "siret", "required": True},
    {"name": "raison", "label": "Raison sociale", "type": "short_text", "required": True},
    {"name": "association", "label": "Votre association", "type": "section",
     "show_if": {"field": "statut", "equals": "association"}},
    {"name": "rna", "label": "Numéro RNA", "type": "rna", "required": True},
    {"name": "foyer", "label": "Votre foyer", "type": "page"},
    {"name": "enfants", "label": "Vos enfants", "type": "repeat", "item_label": "Enfant",
     "min_items": 1, "max_items": 3,
     "fields": [
         {"name": "prenom", "label": "Prénom", "type": "short_text", "required": True},
         {"name": "naissance", "label": "Date de naissance", "type": "date", "required": True,
          "not_in_future": True},
         {"name": "langues", "label": "Langues", "type": "multiple_choice",
          "choices": [{"value": "fr", "label": "Français"}, {"value": "en", "label": "Anglais"}]},
         {"name": "cantine", "label": "Cantine", "type": "checkbox"}]},
    {"name": "plaque", "label": "Immatriculation", "type": "short_text",
     "pattern": "[A-Z]{2}-[0-9]{3}-[A-Z]{2}",
     "pattern_message": "Saisissez une immatriculation au format AB-123-CD."},
]  # fmt: skip


def _post(**pairs) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs.items():
        for item in value if isinstance(value, list) else [value]:
            data.appendlist(key.replace("__", "-"), item)
    return data


def _refused(data) -> dict[str, list[str]]:
    with pytest.raises(FormValidationError) as caught:
        validate_submission(FORM, data)
    return caught.value.errors


def test_an_html_submission_of_every_page_with_two_blocks_is_cleaned():
    # given what the browser posts for a business with two children (block 1 removed: gap)
    data = _post(
        statut="entreprise", siret="732 829 320 00074", raison="Boulangerie Dupont",
        enfants__0__prenom="Léa", enfants__0__naissance="2015-02-03",
        enfants__0__langues=["fr", "en"], enfants__0__cantine="on",
        enfants__2__prenom="Tom", enfants__2__naissance="2018-06-01",
        enfants__5__prenom="", enfants__5__naissance="",  # an empty block: not a block
        plaque="AB-123-CD",
    )  # fmt: skip
    # when it is validated
    cleaned = validate_submission(FORM, data)
    # then the hidden section is left out, the blocks come as a list in order
    assert dict(cleaned) == {
        "statut": "entreprise", "siret": SIRET, "raison": "Boulangerie Dupont",
        "enfants": [
            {"prenom": "Léa", "naissance": "2015-02-03", "langues": ["fr", "en"], "cantine": True},
            {"prenom": "Tom", "naissance": "2018-06-01", "cantine": False},
        ],
        "plaque": "AB-123-CD",
    }  # fmt: skip


def test_an_api_submission_sends_the_blocks_as_a_list():
    cleaned = validate_submission(FORM, {
        "statut": "association", "rna": "w921 000 123",
        "enfants": [{"prenom": "Léa", "naissance": "2015-02-03", "inconnu": 1}, {}],
    })  # fmt: skip
    assert cleaned["rna"] == "W921000123"
    assert cleaned["enfants"] == [{"prenom": "Léa", "naissance": "2015-02-03", "cantine": False}]


def test_every_page_is_checked_at_the_end_and_each_block_is_named_in_its_messages():
    # given a submission with mistakes on both pages and in the second block
    errors = _refused(_post(
        statut="entreprise", siret="73282932000075", raison="",
        enfants__0__prenom="Léa", enfants__0__naissance="2015-02-03",
        enfants__1__prenom="Tom", enfants__1__naissance="",
        plaque="ab123",
    ))  # fmt: skip
    # then each field says what is wrong, the block's messages say which child
    assert errors == {
        "siret": ["Ce numéro SIRET n’existe pas : vérifiez les 14 chiffres, l’un d’eux est erroné."],
        "raison": ["Ce champ est obligatoire."],
        "enfants": ["Enfant 2, date de naissance : ce champ est obligatoire."],
        "plaque": ["Saisissez une immatriculation au format AB-123-CD."],
    }  # fmt: skip


def test_a_section_whose_condition_is_unmet_is_neither_required_nor_kept():
    cleaned = validate_submission(FORM, _post(
        statut="particulier", siret="nimporte quoi", rna="x",
        enfants__0__prenom="Léa", enfants__0__naissance="2015-02-03",
    ))  # fmt: skip
    assert "siret" not in cleaned and "rna" not in cleaned


def test_a_section_ends_at_the_next_section_or_page():
    # the association's section does not reach the second page's block
    errors = _refused(_post(statut="association", rna="W921000123"))
    assert errors == {"enfants": ["Remplissez au moins 1 bloc « Enfant »."]}


@pytest.mark.parametrize(
    ("pairs", "messages"),
    [
        ({"siret": "1234"}, ["Un numéro SIRET comporte 14 chiffres (par exemple 732 829 320 00074)."]),
        ({"siret": "７３２８２９３２０００００７４"}, ["Un numéro SIRET comporte 14 chiffres (par exemple 732 829 320 00074)."]),
        ({"siret": 73282932000074}, None),
        ({"siret": ["x"]}, ["Saisissez un texte."]),
    ],
)  # fmt: skip
def test_siret_answers(pairs, messages):
    data = {"statut": "entreprise", "raison": "R", "enfants": [{"prenom": "A",
            "naissance": "2015-01-01"}]} | pairs  # fmt: skip
    if messages is None:
        assert validate_submission(FORM, data)["siret"] == SIRET
        return
    with pytest.raises(FormValidationError) as caught:
        validate_submission(FORM, data)
    assert caught.value.errors == {"siret": messages}


@pytest.mark.parametrize("rna", ["W12345678", "X921000123", "W9210001234", "W92A000123"])
def test_an_rna_number_is_w_and_nine_digits(rna):
    errors = _refused({"statut": "association", "rna": rna,
                       "enfants": [{"prenom": "A", "naissance": "2015-01-01"}]})  # fmt: skip
    assert errors == {
        "rna": ["Un numéro RNA s’écrit W suivi de 9 chiffres (par exemple W921000123)."]
    }


def test_a_corsican_rna_number_is_accepted():
    cleaned = validate_submission(FORM, {"statut": "association", "rna": "W2A1000123",
                                         "enfants": [{"prenom": "A", "naissance": "2015-01-01"}]})  # fmt: skip
    assert cleaned["rna"] == "W2A1000123"


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ([], "Remplissez au moins 1 bloc « Enfant »."),
        ([{"prenom": f"E{i}", "naissance": "2015-01-01"} for i in range(4)],
         "Au plus 3 blocs « Enfant » sont permis (il y en a 4)."),
        ("Léa", "Une liste de blocs est attendue."),
        ({"prenom": "Léa"}, "Une liste de blocs est attendue."),
        (["Léa"], "Enfant 1 : un objet est attendu."),
        ([{"prenom": "Léa", "naissance": "2099-01-01"}],
         "Enfant 1, date de naissance : la date ne peut pas être dans le futur."),
        ([{"prenom": "Léa", "naissance": "2015-01-01", "langues": ["de"]}],
         "Enfant 1, langues : choix invalide : « de »."),
        ([{"prenom": "Léa", "naissance": "2015-01-01"}] * 1000,
         "Au plus 3 blocs « Enfant » sont permis (il y en a 101)."),
    ],
)  # fmt: skip
def test_hostile_or_wrong_blocks_are_refused_in_french(blocks, message):
    errors = _refused({"statut": "particulier", "enfants": blocks})
    assert message in errors["enfants"], errors


def test_many_html_block_indexes_do_not_loop_forever():
    data = _post(**{f"enfants__{i}__prenom": "A" for i in range(0, 3000)})
    errors = _refused(_with_status(data))
    assert errors["enfants"][0].startswith("Au plus 3 blocs « Enfant » sont permis")


def _with_status(data: QueryDict) -> QueryDict:
    data["statut"] = "particulier"
    return data


def test_a_condition_on_a_section_hides_a_block_in_it():
    form = [
        {"name": "a_enfants", "label": "Avez-vous des enfants ?", "type": "checkbox"},
        {"name": "foyer", "label": "Foyer", "type": "section",
         "show_if": {"field": "a_enfants", "equals": True}},
        {"name": "enfants", "label": "Enfants", "type": "repeat", "item_label": "Enfant",
         "required": True, "fields": [{"name": "prenom", "label": "Prénom", "type": "short_text"}]},
    ]  # fmt: skip
    assert validate_submission(form, {"enfants": [{"prenom": "Léa"}]}) == {"a_enfants": False}
    with pytest.raises(FormValidationError) as caught:
        validate_submission(form, {"a_enfants": "on"})
    assert caught.value.errors == {"enfants": ["Remplissez au moins 1 bloc « Enfant »."]}
    assert caught.value.labelled_messages() == ["Enfants : Remplissez au moins 1 bloc « Enfant »."]
