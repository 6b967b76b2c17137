"""The form builder's table of field types: each type with its French name and the
properties the builder edits (beyond the ones every field has).

To let designers use a new type of `catalogue.formdef`, add one line to TYPES; a type the
form definitions know and this table does not is still offered, with the common properties
only. A property is read from the builder's form by its widget (`read_property`).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from guichet.catalogue import formdef

# Every item the form definitions know (fields, then pages, sections, repeatable blocks).
KNOWN_TYPES: tuple[str, ...] = tuple(
    getattr(formdef, "ITEM_TYPES", None) or getattr(formdef, "FIELD_TYPES", ())
)


@dataclass(frozen=True)
class Prop:
    key: str  # the key in the field's JSON
    label: str
    widget: str  # text, textarea, int, decimal, bool, date, choices, file_kinds
    hint: str = ""


@dataclass(frozen=True)
class FieldType:
    label: str
    props: tuple[Prop, ...] = ()
    defaults: tuple[tuple[str, Any], ...] = ()


TEXT_RULES = (
    Prop("min_length", "Longueur minimale", "int"),
    Prop("max_length", "Longueur maximale", "int"),
    Prop("pattern", "Format attendu (expression régulière)", "text", "Exemple : ^[0-9]{5}$"),
    Prop(
        "pattern_message",
        "Message si le format n'est pas respecté",
        "text",
        "Obligatoire avec un format attendu.",
    ),
)
CHOICES = Prop("choices", "Choix proposés", "choices", "Un choix par ligne : « valeur | libellé »")
FIRST_CHOICES = (("choices", [{"value": "choix_1", "label": "Choix 1"}]),)

TYPES: dict[str, FieldType] = {
    "short_text": FieldType("Texte court", TEXT_RULES),
    "long_text": FieldType("Texte long", TEXT_RULES),
    "number": FieldType(
        "Nombre",
        (
            Prop("min_value", "Valeur minimale", "decimal"),
            Prop("max_value", "Valeur maximale", "decimal"),
            Prop("integer_only", "Nombre entier seulement", "bool"),
            Prop("unit", "Unité", "text", "Exemple : m², €"),
        ),
    ),
    "date": FieldType(
        "Date",
        (
            Prop("min_date", "Date au plus tôt", "date"),
            Prop("max_date", "Date au plus tard", "date"),
            Prop("not_in_past", "Pas dans le passé", "bool"),
            Prop("not_in_future", "Pas dans le futur", "bool"),
        ),
    ),
    "choice": FieldType("Choix unique", (CHOICES,), FIRST_CHOICES),
    "multiple_choice": FieldType(
        "Choix multiples",
        (
            CHOICES,
            Prop("min_selections", "Nombre minimal de choix", "int"),
            Prop("max_selections", "Nombre maximal de choix", "int"),
        ),
        FIRST_CHOICES,
    ),
    "checkbox": FieldType("Case à cocher (oui/non)"),
    "email": FieldType("Adresse électronique"),
    "phone": FieldType("Téléphone"),
    "address": FieldType("Adresse postale"),
    "location": FieldType("Point sur la carte"),
    "file": FieldType(
        "Pièce jointe",
        (
            Prop("allowed_types", "Types de fichiers acceptés", "file_kinds"),
            Prop("max_size_mb", "Taille maximale par fichier (Mo)", "decimal"),
            Prop("max_files", "Nombre maximal de fichiers", "int"),
        ),
    ),
    "siret": FieldType("Numéro SIRET"),
    "rna": FieldType("Numéro RNA (association)"),
    "page": FieldType("Nouvelle page (étape)"),
    "section": FieldType("Section"),
    "repeat": FieldType(
        "Bloc répétable",
        (
            Prop("item_label", "Nom d'un élément", "text", "Exemple : Enfant"),
            Prop("add_label", "Bouton d'ajout", "text", "Exemple : Ajouter un enfant"),
            Prop("min_items", "Nombre minimal d'éléments", "int"),
            Prop("max_items", "Nombre maximal d'éléments (50 au plus)", "int"),
            # its fields are edited with the builder itself (the block's own list, ADR 0035)
        ),
        (
            ("item_label", "Élément"),
            ("add_label", "Ajouter un élément"),
            ("fields", [{"name": "element", "label": "Élément", "type": "short_text"}]),
        ),
    ),
}
FILE_KINDS = (("pdf", "PDF"), ("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WebP"), ("heic", "HEIC"))

COMMON = (
    Prop("label", "Libellé", "text"),
    Prop(
        "name",
        "Nom technique",
        "text",
        "Lettres minuscules sans accent, chiffres et _ ; unique dans le formulaire.",
    ),
    Prop("help_text", "Texte d'aide", "textarea"),
    Prop("required", "Réponse obligatoire", "bool"),
)
# Types whose answer a condition may test.
CONDITIONABLE: tuple[str, ...] = tuple(formdef.CONDITIONABLE)


def available_types() -> list[tuple[str, str]]:
    """(type, French name) for every type the form definitions know, in the table's order."""
    known = list(KNOWN_TYPES) or list(TYPES)
    ordered = [t for t in TYPES if t in known] + [t for t in known if t not in TYPES]
    return [(t, type_of(t).label) for t in ordered]


# Items that are answered by nobody (a page break, a section title): no « required ».
UNANSWERED = ("page", "section")


def props_of(name: str) -> tuple[Prop, ...]:
    """Every property the builder edits for an item of type `name`, common ones first."""
    common = tuple(p for p in COMMON if not (p.key == "required" and name in UNANSWERED))
    return (*common, *type_of(name).props)


def type_of(name: str) -> FieldType:
    return TYPES.get(name) or FieldType(name.replace("_", " ").capitalize())


def new_field(kind: str, taken: set[str]) -> dict[str, Any]:
    n = len(taken) + 1
    while f"champ_{n}" in taken:
        n += 1
    field: dict[str, Any] = {"name": f"champ_{n}", "label": type_of(kind).label, "type": kind}
    for key, value in type_of(kind).defaults:
        field[key] = copy.deepcopy(value)
    for inner in field.get("fields") or []:  # names are unique in the whole form, blocks too
        inner["name"] = f"{field['name']}_{inner['name']}"
    return field


def all_names(fields: list[dict[str, Any]]) -> set[str]:
    """Every name used in the form, those inside repeatable blocks too."""
    names = {f.get("name") for f in fields}
    names |= {i.get("name") for f in fields for i in f.get("fields") or [] if isinstance(i, dict)}
    return {n for n in names if isinstance(n, str)}


def show_property(prop: Prop, field: dict[str, Any]) -> str:
    """The property's value as the builder's input shows it."""
    value = field.get(prop.key)
    if value is None:
        return ""
    if prop.widget == "choices":
        return "\n".join(f"{c.get('value', '')} | {c.get('label', '')}" for c in value)
    if prop.widget == "bool":
        return "on" if value else ""
    if prop.widget == "json":
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def read_property(prop: Prop, data, errors: dict[str, str]) -> tuple[bool, Any]:
    """(present, value) read from the posted `data`; a French message in `errors[key]` when
    the text cannot be read. Absent (False) means: remove the key (its default applies)."""
    key = prop.key
    if prop.widget == "bool":
        return (True, True) if data.get(key) else (False, None)
    if prop.widget == "file_kinds":
        kinds = [k for k in data.getlist(key) if k in dict(FILE_KINDS)]
        if not kinds:
            errors[key] = "Cochez au moins un type de fichier."
        return True, kinds
    raw = (data.get(key) or "").strip()
    if not raw:
        return False, None
    if prop.widget == "int":
        if not re.fullmatch(r"-?[0-9]{1,9}", raw):
            errors[key] = "Un nombre entier est attendu."
            return False, None
        return True, int(raw)
    if prop.widget == "decimal":
        try:
            number = Decimal(raw.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            errors[key] = "Un nombre est attendu (par exemple 12,5)."
            return False, None
        if not number.is_finite() or abs(number) > Decimal("1e12"):
            errors[key] = "Ce nombre est trop grand."
            return False, None
        return True, int(number) if number == number.to_integral_value() else float(number)
    if prop.widget == "date":
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            errors[key] = "Une date est attendue (jj/mm/aaaa)."
            return False, None
        return True, raw
    if prop.widget == "json":
        try:
            items = json.loads(raw)
        except ValueError as error:
            errors[key] = f"JSON illisible ({error})."
            return False, None
        if not isinstance(items, list):
            errors[key] = "Une liste JSON de champs est attendue."
            return False, None
        return True, items
    if prop.widget == "choices":
        choices, values = [], set()
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            value, _, label = (part.strip() for part in line.partition("|"))
            label = label or value
            if not value:
                errors[key] = f"Ligne {number} : la valeur est vide."
                break
            if value in values:
                errors[key] = f"Ligne {number} : la valeur « {value} » est déjà proposée."
                break
            values.add(value)
            choices.append({"value": value[:100], "label": label[:200]})
        if not choices and key not in errors:
            errors[key] = "Proposez au moins un choix."
        return True, choices
    if key == "pattern":
        try:
            re.compile(raw)
        except re.error as error:
            errors[key] = f"Cette expression régulière n'est pas valide ({error})."
            return False, None
    return True, raw
