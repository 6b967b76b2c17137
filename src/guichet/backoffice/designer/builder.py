"""The form builder's operations on a draft's list of fields: pure functions, no database.

Each returns a new list (the draft is saved by the view through `catalogue.versions
.save_draft`) or French errors keyed by the property, so that the builder shows them next to
the input and keeps what was typed.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from guichet.backoffice.designer.field_types import (
    CONDITIONABLE,
    all_names,
    props_of,
    read_property,
    type_of,
)

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class BuilderError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ; ".join(errors.values()))


def index_of(fields: list[dict[str, Any]], name: str) -> int:
    for index, field in enumerate(fields):
        if field.get("name") == name:
            return index
    raise BuilderError({"general": "Ce champ n'existe plus : le brouillon a peut-être changé."})


def edit_field(
    fields: list[dict[str, Any]], name: str, data, *, elsewhere: set[str] = frozenset()
) -> list[dict[str, Any]]:
    """The list with field `name` replaced by what the builder's form posted (`data`, a
    QueryDict). `elsewhere`: the names used outside `fields` (the rest of the form when
    `fields` is a repeatable block's): names are unique in the whole form. Raises
    BuilderError with French messages by property."""
    index = index_of(fields, name)
    field = copy.deepcopy(fields[index])
    errors: dict[str, str] = {}
    for prop in props_of(field.get("type", "")):
        present, value = read_property(prop, data, errors)
        if present:
            field[prop.key] = value
        else:
            field.pop(prop.key, None)
    new_name = field.get("name") or ""
    if not new_name:
        errors["name"] = "Donnez un nom technique au champ."
    elif len(new_name) > 60 or not NAME.match(new_name):
        errors["name"] = (
            "Le nom technique commence par une lettre minuscule et ne contient que des "
            "lettres minuscules sans accent, des chiffres et _ (60 caractères au plus)."
        )
    elif new_name in elsewhere or any(
        f.get("name") == new_name for i, f in enumerate(fields) if i != index
    ):
        errors["name"] = f"Le nom « {new_name} » est déjà utilisé par un autre champ."
    if not (field.get("label") or "").strip():
        errors["label"] = "Donnez un libellé au champ."
    elif len(field["label"]) > 200:
        errors["label"] = "Le libellé tient en 200 caractères."
    condition = _condition(fields[:index], data, errors)
    if condition is None:
        field.pop("show_if", None)
    else:
        field["show_if"] = condition
    if errors:
        raise BuilderError(errors)
    result = [*fields]
    result[index] = field
    if new_name != name:  # conditions on the renamed field follow it
        for other in result:
            if (other.get("show_if") or {}).get("field") == name:
                other["show_if"] = {**other["show_if"], "field": new_name}
    return result


def _condition(earlier: list[dict[str, Any]], data, errors: dict[str, str]) -> dict | None:
    target = (data.get("show_if_field") or "").strip()
    raw = (data.get("show_if_value") or "").strip()
    if not target:
        return None
    source = next((f for f in earlier if f.get("name") == target), None)
    if source is None:
        errors["show_if_field"] = (
            f"La condition porte sur « {target} », qui n'est pas un champ placé avant "
            "celui-ci : choisissez un champ précédent."
        )
        return None
    if source.get("type") not in CONDITIONABLE:
        errors["show_if_field"] = (
            f"Un champ de type « {type_of(source.get('type', '')).label} » ne peut pas servir "
            "de condition."
        )
        return None
    if not raw:
        errors["show_if_value"] = "Indiquez la valeur qui fait afficher le champ."
        return None
    value: str | int | bool = raw
    if source.get("type") == "checkbox":
        value = raw.lower() in ("oui", "vrai", "true", "1", "coché", "cochée")
    elif source.get("type") == "number" and re.fullmatch(r"-?[0-9]{1,12}", raw):
        value = int(raw)
    elif source.get("choices"):
        values = [c.get("value") for c in source["choices"]]
        if raw not in values:
            labels = {c.get("label"): c.get("value") for c in source["choices"]}
            if raw in labels:
                value = labels[raw]
            else:
                errors["show_if_value"] = (
                    f"« {raw} » n'est pas un des choix de « {source.get('label')} » "
                    f"({', '.join(str(v) for v in values)})."
                )
                return None
    return {"field": target, "equals": value}


def move(fields: list[dict[str, Any]], name: str, delta: int) -> list[dict[str, Any]]:
    index = index_of(fields, name)
    target = index + delta
    if not 0 <= target < len(fields):
        return fields
    result = [*fields]
    result[index], result[target] = result[target], result[index]
    return result


def reorder(fields: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """The fields in the order of `names` (a drag and drop): every field, once."""
    by_name = {f.get("name"): f for f in fields}
    if sorted(names) != sorted(by_name) or len(names) != len(fields):
        raise BuilderError(
            {"general": "L'ordre envoyé ne correspond plus aux champs du brouillon : rechargez."}
        )
    return [by_name[name] for name in names]


def duplicate(
    fields: list[dict[str, Any]], name: str, *, elsewhere: set[str] = frozenset()
) -> tuple[list[dict[str, Any]], str]:
    index = index_of(fields, name)
    taken = all_names(fields) | set(elsewhere)
    copy_name = _copy_name(name, taken)
    taken.add(copy_name)
    twin = copy.deepcopy(fields[index]) | {"name": copy_name}
    twin["label"] = f"{twin.get('label', '')} (copie)"[:200]
    twin.pop("summary", None)  # one summary field per form
    for inner in twin.get("fields") or []:  # a block's fields: names unique in the form
        if isinstance(inner, dict) and isinstance(inner.get("name"), str):
            inner["name"] = _copy_name(inner["name"], taken)
            taken.add(inner["name"])
    return [*fields[: index + 1], twin, *fields[index + 1 :]], copy_name


def _copy_name(name: str, taken: set[str]) -> str:
    copy_name, n = f"{name}_copie"[:60], 2
    while copy_name in taken:
        copy_name = f"{name[:54]}_copie{n}"
        n += 1
    return copy_name


def delete(fields: list[dict[str, Any]], name: str) -> tuple[list[dict[str, Any]], int]:
    """The list without field `name`, and where it was (to put it back)."""
    index = index_of(fields, name)
    if dependants := [
        f.get("label") for f in fields if (f.get("show_if") or {}).get("field") == name
    ]:
        raise BuilderError(
            {"general": "Ce champ sert de condition à « " + " », « ".join(map(str, dependants))
             + " » : retirez d'abord ces conditions."}
        )  # fmt: skip
    return [*fields[:index], *fields[index + 1 :]], index


def restore(fields: list[dict[str, Any]], field: dict[str, Any], index: int) -> list[dict]:
    if any(f.get("name") == field.get("name") for f in fields):
        raise BuilderError(
            {"general": f"Un champ nommé « {field.get('name')} » existe déjà : impossible de "
             "rétablir le champ supprimé."}
        )  # fmt: skip
    index = max(0, min(index, len(fields)))
    return [*fields[:index], field, *fields[index:]]
