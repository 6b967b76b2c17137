import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guichet.people.identifiers import (
    IdentifierError,
    fold,
    normalise_email,
    normalise_phone,
    validate_rna,
    validate_siret,
)

from .factories import sceaux_siret


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jean.dupont@example.fr", "jean.dupont@example.fr"),
        ("  Jean.Dupont@Example.FR \n", "jean.dupont@example.fr"),
        ("MARIE+mairie@SCEAUX.fr", "marie+mairie@sceaux.fr"),
    ],
)
def test_emails_are_stripped_and_lowercased(raw, expected):
    # given an address typed with spaces and capitals
    # when it is normalised
    # then it is the canonical lowercase form
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "jean.dupont", "jean@", "@example.fr", "a b@c.fr", None]
)
def test_invalid_emails_are_refused_in_french(raw):
    # given something that is not an e-mail address
    # when it is normalised
    # then a French IdentifierError is raised
    with pytest.raises(IdentifierError, match="adresse électronique"):
        normalise_email(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("0612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("01 41 87 06 00", "+33141870600"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_phones_are_normalised_to_e164(raw, expected):
    # given a French or international number in a usual format
    # when it is normalised
    # then it is in E.164
    assert normalise_phone(raw) == expected


def test_national_numbers_are_read_in_the_given_region():
    # given a Belgian national number
    # when it is normalised for Belgium
    # then it carries the Belgian prefix
    assert normalise_phone("02 511 11 11", region="BE") == "+3225111111"


@pytest.mark.parametrize(
    "raw", ["", "12", "06 12", "abc", "06 12 34 56 78 90 12", "+33 0 00", None]
)
def test_invalid_phones_are_refused_in_french(raw):
    # given something that is not a valid phone number
    # when it is normalised
    # then a French IdentifierError is raised
    with pytest.raises(IdentifierError, match="téléphone"):
        normalise_phone(raw)


@given(st.text(max_size=60))
def test_normalise_phone_raises_only_identifier_errors(raw):
    # given any text at all
    # when it is normalised as a phone number
    # then it either succeeds in E.164 or raises IdentifierError, nothing else
    try:
        result = normalise_phone(raw)
    except IdentifierError:
        return
    assert result.startswith("+")
    assert result[1:].isdigit()


@given(st.text(alphabet="0123456789 +.-()", max_size=25))
def test_normalise_phone_on_digit_soup_raises_only_identifier_errors(raw):
    # given digit-like text (the inputs closest to real numbers)
    # when it is normalised
    # then it either succeeds or raises IdentifierError
    with contextlib.suppress(IdentifierError):
        assert normalise_phone(raw).startswith("+")


@pytest.mark.parametrize(
    "raw", [sceaux_siret(1), sceaux_siret(2), "219 200 714 00018", "35600000000048"]
)
def test_valid_sirets_are_accepted_without_spaces(raw):
    # given a real SIRET (the Sceaux town hall, La Poste's head office), maybe spaced
    # when it is validated
    # then its 14 digits come back
    result = validate_siret(raw)
    assert len(result) == 14
    assert result == raw.replace(" ", "")


def test_the_sceaux_siret_is_the_known_one():
    # given the Sceaux town hall's SIREN and its first establishment
    # then the computed SIRET is the published one
    assert sceaux_siret(1) == "21920071400018"


@pytest.mark.parametrize(
    "raw", ["21920071400019", "2192007140001", "219200714000180", "ABCDEFGHIJKLMN", ""]
)
def test_invalid_sirets_are_refused_in_french(raw):
    # given a wrong checksum, a wrong length or letters
    # when it is validated
    # then a French IdentifierError is raised
    with pytest.raises(IdentifierError, match="SIRET"):
        validate_siret(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("W921000123", "W921000123"), ("w 921 000 123", "W921000123"), ("W2A1000456", "W2A1000456")],
)
def test_valid_rna_numbers_are_accepted(raw, expected):
    # given an RNA number, possibly lowercase or spaced
    # when it is validated
    # then it comes back in its canonical form
    assert validate_rna(raw) == expected


@pytest.mark.parametrize(
    "raw", ["921000123", "W92100012", "W9210001234", "X921000123", "WABCDEFGHI", ""]
)
def test_invalid_rna_numbers_are_refused_in_french(raw):
    # given something that is not W + 9 digits
    # when it is validated
    # then a French IdentifierError is raised
    with pytest.raises(IdentifierError, match="RNA"):
        validate_rna(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Éloïse D'Aubigné", "eloise d aubigne"),
        ("  JEAN-FRANÇOIS   Lœuvre ", "jean francois loeuvre"),
        ("Straße", "strasse"),
    ],
)
def test_fold_removes_case_accents_and_punctuation(raw, expected):
    # given a name with capitals, accents, ligatures and punctuation
    # when it is folded
    # then only lowercase ASCII words remain
    assert fold(raw) == expected
