"""Read a labelled CSV export (any separator, with or without a BOM) for evaluation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from guichet.core.plurals import ngettext

MAX_BYTES = 512 * 1024 * 1024


class CsvError(Exception):
    """A French reason why the file cannot be used."""


def read_labelled(
    path: str | Path, text_columns: list[str], label_column: str
) -> tuple[list[str], list[str]]:
    """(texts, labels) from `path`: the text columns joined by a space; rows without a label
    or without any text are skipped. Raises CsvError (French)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise CsvError(f"Impossible de lire le fichier « {path} » : {error.strerror}.") from error
    if len(raw) > MAX_BYTES:
        raise CsvError("Le fichier dépasse 512 Mo.")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvError(
            f"Le fichier n'est pas encodé en UTF-8 (octet invalide à la position {error.start}) : "
            "enregistrez-le en UTF-8 puis recommencez."
        ) from error
    if "\x00" in content:
        raise CsvError("Le fichier contient des caractères nuls : ce n'est pas un CSV texte.")
    sample = content[: 64 * 1024]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(10 * 1024 * 1024)
    reader = csv.DictReader(io.StringIO(content, newline=""), dialect=dialect)
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [c for c in [*text_columns, label_column] if c not in columns]
    if missing:
        absent = ngettext("Colonne absente", "Colonnes absentes", len(missing))
        raise CsvError(
            f"{absent} du fichier : {', '.join(missing)}. "
            f"Colonnes disponibles : {', '.join(columns) or '(aucune)'}."
        )
    texts, labels = [], []
    try:
        for row in reader:
            label = (row.get(label_column) or "").strip()
            text = " ".join((row.get(c) or "").strip() for c in text_columns).strip()
            if label and text:
                texts.append(text)
                labels.append(label)
    except csv.Error as error:
        raise CsvError(f"CSV mal formé à la ligne {reader.line_num} : {error}.") from error
    return texts, labels
