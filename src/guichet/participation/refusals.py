"""The refusal every consultation and idea action raises before writing anything."""

from __future__ import annotations


class Refused(ValueError):
    """Nothing was written; `errors` maps form fields ("" for the whole form) to French
    messages."""

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"": [errors]}
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))

    @classmethod
    def field(cls, name: str, message: str) -> Refused:
        return cls({name: [message]})


def clean_text(value: object, *, field: str, label: str, max_length: int, required=True) -> str:
    """`value` stripped, or Refused with a field-level French message."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused.field(field, f"{label} : texte attendu.")
    value = value.strip()
    if required and not value:
        raise Refused.field(field, f"{label} : ce champ est obligatoire.")
    if len(value) > max_length:
        raise Refused.field(
            field, f"{label} : {max_length} caractères au plus ({len(value)} saisis)."
        )
    return value
