"""Service forms: the definition an administrator writes and the check of what users send.

The public surface for other apps; the code lives in `formdef` (the schema) and
`validation` (the checks).
"""

from guichet.catalogue.formdef import (
    FIELD_TYPES,
    FILE_KINDS,
    FormDefinition,
    FormField,
    InvalidFormDefinition,
    parse_form_definition,
)
from guichet.catalogue.validation import (
    NON_FIELD_ERRORS,
    FormValidationError,
    condition_met,
    validate_submission,
)

__all__ = [
    "FIELD_TYPES",
    "FILE_KINDS",
    "NON_FIELD_ERRORS",
    "FormDefinition",
    "FormField",
    "FormValidationError",
    "InvalidFormDefinition",
    "condition_met",
    "parse_form_definition",
    "validate_submission",
]
