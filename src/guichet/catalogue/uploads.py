"""Checks on uploaded files: how many, how big, and what they really are.

The type comes from the file's first bytes (magic numbers, via `filetype`), never from its
name or the browser's Content-Type, which the sender controls.
"""

from __future__ import annotations

from typing import Any

import filetype

from guichet.catalogue.formdef import FILE_KINDS, FileField

# filetype names JPEG after its usual extension.
_KIND_BY_EXTENSION = {"jpg": "jpeg", "pdf": "pdf", "png": "png", "webp": "webp", "heic": "heic"}
_KIND_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "webp": "WebP", "heic": "HEIC"}
_HEAD_BYTES = 262  # what filetype needs to recognise every kind it knows


def uploaded_list(value: Any) -> list[Any]:
    """The uploads given for one field: one file, a list, or a MultiValueDict's list."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def clean_uploads(field: FileField, uploads: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Describe valid uploads as JSON-safe dicts; return them with the French errors found."""
    errors: list[str] = []
    cleaned: list[dict[str, Any]] = []
    if len(uploads) > field.max_files:
        many = "fichier" if field.max_files == 1 else "fichiers"
        return [], [f"Vous pouvez joindre au plus {field.max_files} {many}."]
    limit = int(field.max_size_mb * 1024 * 1024)
    for upload in uploads:
        name = _display_name(upload)
        size, head = _size_and_head(upload)
        if head is None or size is None:
            errors.append(f"Le fichier « {name} » est illisible.")
            continue
        if size == 0:
            errors.append(f"Le fichier « {name} » est vide.")
            continue
        if size > limit:
            errors.append(
                f"Le fichier « {name} » dépasse la taille maximale de "
                f"{_megabytes(field.max_size_mb)} Mo."
            )
            continue
        kind = _kind_of(head)
        if kind not in field.allowed_types:
            accepted = ", ".join(_KIND_LABELS[k] for k in field.allowed_types)
            errors.append(
                f"Le fichier « {name} » n’est pas d’un type accepté (formats acceptés : "
                f"{accepted})."
            )
            continue
        cleaned.append({"name": name, "size": size, "content_type": FILE_KINDS[kind]})
    return cleaned, errors


def _kind_of(head: bytes) -> str | None:
    guessed = filetype.guess(head)
    return _KIND_BY_EXTENSION.get(guessed.extension) if guessed is not None else None


def _display_name(upload: Any) -> str:
    name = getattr(upload, "name", None)
    if not isinstance(name, str) or not name:
        return "sans nom"
    # keep the base name only, and short: it is echoed back in messages and stored
    name = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    return name[:120] or "sans nom"


def _size_and_head(upload: Any) -> tuple[int | None, bytes | None]:
    """The upload's size and first bytes, leaving it rewound for whoever stores it."""
    try:
        upload.seek(0)
        head = upload.read(_HEAD_BYTES)
        if isinstance(head, str):
            return None, None
        head = bytes(head)
        size = getattr(upload, "size", None)
        if not isinstance(size, int) or isinstance(size, bool):
            upload.seek(0, 2)
            size = upload.tell()
        upload.seek(0)
    except (AttributeError, OSError, TypeError, ValueError):
        return None, None
    return size, head


def _megabytes(value: float) -> str:
    return f"{value:g}".replace(".", ",")
