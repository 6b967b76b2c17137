"""Every journal event kind has a French label (core.event_labels), found in the code itself.

The kinds live as string literals across the apps (`events.py`, constants beside actions,
`kind="…"` arguments). This test reads every Python module of the product, collects every
literal shaped like a kind (`word.word`), and requires a label for each one that is not
plainly something else (a file name, a dotted module path, the few listed below).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import guichet
from guichet.core.event_labels import EVENT_LABELS, SYSTEM_KINDS, event_label

SOURCE = Path(guichet.__file__).parent
# `word.word`, the second word with underscores or hyphens (`cases.request-merged`)
KIND_SHAPE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_-]*[a-z]$")
FILE_SUFFIXES = {"csv", "eml", "html", "json", "log", "md", "parquet", "pdf", "py", "toml", "txt"}
MODULE_PREFIXES = {"guichet", "django"}
# Literals shaped like a kind that are not one, and why.
NOT_KINDS = {
    "accueil.tours": "a demo agent's username",
    "appointments.book": "a URL name",
    "people.data-export": "a rate-limit scope",
    "identity.phone-change": "a rate-limit scope",
    "identity.email-change": "a rate-limit scope",
    "notifications.preferences-link": "a rate-limit scope",
    "portal.sign-in-mail": "a rate-limit scope",
}


def kinds_in_source() -> dict[str, str]:
    """Every kind-shaped literal of the product's modules → one module where it appears."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            value = node.value
            if not KIND_SHAPE.match(value) or value in NOT_KINDS:
                continue
            prefix, _, suffix = value.partition(".")
            if suffix in FILE_SUFFIXES or prefix in MODULE_PREFIXES:
                continue
            found.setdefault(value, str(path.relative_to(SOURCE)))
    return found


def test_every_event_kind_written_in_the_code_has_a_french_label():
    # given every kind the code can append to the journal
    kinds = kinds_in_source()
    assert "request.received" in kinds and "satisfaction.survey_opened" in kinds  # the scan works
    # then each has its French label
    missing = {kind: where for kind, where in kinds.items() if kind not in EVENT_LABELS}
    assert not missing, f"event kinds without a French label in core/event_labels.py: {missing}"


def test_no_label_is_left_for_a_kind_the_code_no_longer_writes():
    kinds = kinds_in_source()
    assert sorted(set(EVENT_LABELS) - set(kinds)) == []
    assert set(EVENT_LABELS) >= SYSTEM_KINDS


def test_the_labels_are_french_sentences_not_codes():
    for kind, label in EVENT_LABELS.items():
        assert label[0].isupper(), kind
        assert "_" not in label and "." not in label, kind
        assert label != kind


def test_the_survey_kinds_read_in_french_and_an_external_activity_stays_as_it_is():
    assert event_label("satisfaction.survey_opened") == "Enquête de satisfaction proposée"
    assert event_label("satisfaction.answered") == "Enquête de satisfaction remplie"
    assert event_label("Register request") == "Register request"
