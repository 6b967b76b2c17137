"""Check a submission against a service's form and return JSON-safe cleaned data.

One entry point, `validate_submission()`, for every channel: HTML forms send strings (and
lists for multiple choices, "on" for ticked boxes), the API sends native JSON types. It only
ever raises `FormValidationError`, whatever it is given.

Cleaned values: text as `str`, numbers as `int` (or `float` when they have decimals), dates
as ISO `"AAAA-MM-JJ"`, choices as their value, multiple choices as a list in the form's
order, phones in E.164, locations as `{"lat", "lon"}`, files as a list of
`{"name", "size", "content_type"}`, checkboxes as `bool`, SIRET as its 14 digits, RNA as
« W » and 9 digits, repeatable blocks as a list of objects (one per block, each cleaned as
above). Empty optional fields, hidden fields (their condition unmet, or in a section whose
condition is unmet) and empty blocks are left out; unknown keys are dropped. Sections and
pages ask nothing: every page is checked at once, at the end.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from guichet.catalogue.formdef import Condition, FormDefinition, parse_form_definition
from guichet.catalogue.validation.blocks import clean_repeat
from guichet.catalogue.validation.cleaners import (
    EMPTY,
    REQUIRED,
    Invalid,
    clean_field,
    comparable,
)

NON_FIELD_ERRORS = "__all__"

__all__ = [
    "NON_FIELD_ERRORS",
    "REQUIRED",
    "CleanedSubmission",
    "FormValidationError",
    "condition_met",
    "validate_submission",
    "visible_items",
]


class FormValidationError(Exception):
    """A submission that does not fit its form.

    `errors` maps a field name (or "__all__") to French messages; `labels` maps field names
    to their labels so a screen can say "Téléphone : Numéro de téléphone invalide.".
    """

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None):
        self.errors = errors
        self.labels = labels or {}
        super().__init__("; ".join(self.labelled_messages()))

    def labelled_messages(self) -> list[str]:
        return [
            f"{self.labels[name]} : {message}" if name in self.labels else message
            for name, messages in self.errors.items()
            for message in messages
        ]


class CleanedSubmission(dict[str, Any]):
    """What `validate_submission` returns: the cleaned data, and the form it fits (an action
    handed it back for the same form need not check it again)."""

    def __init__(self, values: dict[str, Any], form: FormDefinition) -> None:
        super().__init__(values)
        self.form = form


def validate_submission(
    definition: FormDefinition | list[dict[str, Any]],
    data: Mapping[str, Any] | None,
    files: Mapping[str, Any] | None = None,
    *,
    place_known: bool = False,
) -> CleanedSubmission:
    """Return the cleaned data of a submission, or raise FormValidationError.

    `definition` is a parsed form or the JSON stored on a service (an invalid stored form
    raises InvalidFormDefinition: that is the administrator's error, not the user's).
    `files` maps a file field's name to a Django UploadedFile or a list of them
    (`request.FILES` works as is). `place_known`: the caller placed the submission otherwise
    (an address in a known commune), so a required location field may be left empty.
    """
    form = parse_form_definition(definition)
    data = {} if data is None else data
    files = {} if files is None else files
    if not isinstance(data, Mapping) or not isinstance(files, Mapping):
        raise FormValidationError({NON_FIELD_ERRORS: ["Les données envoyées sont illisibles."]})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in visible_items(form, cleaned):
        try:
            if field.type == "repeat":
                value = clean_repeat(field, data)
            else:
                value = clean_field(field, data, files)
        except Invalid as invalid:
            if not (place_known and field.type == "location" and invalid.messages == [REQUIRED]):
                errors[field.name] = invalid.messages
            continue
        if value is not EMPTY:
            cleaned[field.name] = value
    if errors:
        raise FormValidationError(errors, form.labels)
    return CleanedSubmission(cleaned, form)


def condition_met(condition: Condition, values: Mapping[str, Any]) -> bool:
    """Whether a field with this `show_if` is shown, given the earlier fields' values."""
    if condition.field not in values:
        return False
    actual = values[condition.field]
    expected = {comparable(value) for value in condition.expected}
    if isinstance(actual, list):
        return any(comparable(item) in expected for item in actual)
    return comparable(actual) in expected


def visible_items(form: FormDefinition, values: Mapping[str, Any]) -> Iterator[Any]:
    """The questions shown (fields and blocks), in order, as `values` fills up: a caller adds
    each item's cleaned value to `values` before asking for the next one."""
    section_shown = True
    for item in form.fields:
        if item.type == "page":
            section_shown = True
        elif item.type == "section":
            section_shown = item.show_if is None or condition_met(item.show_if, values)
        elif section_shown and (item.show_if is None or condition_met(item.show_if, values)):
            yield item
