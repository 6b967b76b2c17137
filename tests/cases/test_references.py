"""Request references: short, readable aloud, unguessable, forgiving of typing mistakes."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guichet.cases.references import (
    ALPHABET,
    LENGTH,
    new_reference,
    new_tracking_secret,
    normalise_reference,
)

FORMAT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$")


def test_a_reference_is_ten_crockford_characters_in_three_groups():
    # when references are drawn
    # then each reads like K7X4-M2QP-Z9, without I, L, O or U
    for _ in range(1000):
        reference = new_reference()
        assert FORMAT.match(reference), reference
        assert not set(reference) & set("ILOU")


def test_a_reference_carries_fifty_random_bits():
    # given the alphabet and the length
    # then they hold 50 bits
    assert len(set(ALPHABET)) == 32 and LENGTH == 10
    assert math.log2(len(ALPHABET) ** LENGTH) == 50
    # and every position takes every symbol (no fixed or checksum character)
    drawn = [new_reference().replace("-", "") for _ in range(4000)]
    for position in range(LENGTH):
        assert set(ALPHABET) == {ref[position] for ref in drawn}
    # and no reference repeats in 20,000 draws (a clash is ~0.02 % likely at 50 bits)
    many = [new_reference() for _ in range(20_000)]
    assert len(set(many)) == len(many)


def test_symbols_are_drawn_evenly():
    counts = Counter("".join(new_reference().replace("-", "") for _ in range(6400)))
    expected = 6400 * LENGTH / 32
    assert all(0.8 * expected < counts[symbol] < 1.2 * expected for symbol in ALPHABET)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("K7X4-M2QP-Z9", "K7X4-M2QP-Z9"),
        ("k7x4-m2qp-z9", "K7X4-M2QP-Z9"),
        ("K7X4 M2QP Z9", "K7X4-M2QP-Z9"),
        ("  k7x4m2qpz9 ", "K7X4-M2QP-Z9"),
        ("K7X4.M2QP.Z9", "K7X4-M2QP-Z9"),
        ("AO1B-CDEF-GH", "A01B-CDEF-GH"),
        ("o000-0000-00", "0000-0000-00"),
        ("IIII-LLLL-il", "1111-1111-11"),
        ("UUUU-0000-00", "VVVV-0000-00"),
    ],
)
def test_normalise_reference_forgives_case_spaces_and_look_alikes(typed, canonical):
    assert normalise_reference(typed) == canonical


@pytest.mark.parametrize(
    "typed", ["", "K7X4-M2QP-Z", "K7X4-M2QP-Z99", "K7X4-M2QP-Z!", "K7X4-M2QP-ZÉ", "12345"]
)
def test_what_cannot_be_a_reference_normalises_to_none(typed):
    assert normalise_reference(typed) is None


LOOK_ALIKES = {"0": "oO", "1": "iIlL", "V": "uU"}


@given(
    reference=st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH).map(
        lambda raw: f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    ),
    data=st.data(),
)
def test_any_mistyped_spelling_of_a_reference_normalises_back_to_it(reference, data):
    # given a reference typed with random case, look-alike letters and separators
    typed = []
    for symbol in reference.replace("-", ""):
        choices = [symbol, symbol.lower(), *LOOK_ALIKES.get(symbol, "")]
        typed.append(data.draw(st.sampled_from(choices)))
        typed.append(data.draw(st.sampled_from(["", "", " ", "-", "."])))
    # when it is normalised
    # then it is the reference again
    assert normalise_reference("".join(typed)) == reference


def test_tracking_secrets_are_long_and_unique():
    secrets = {new_tracking_secret() for _ in range(1000)}
    assert len(secrets) == 1000
    assert all(len(secret) >= 32 for secret in secrets)
