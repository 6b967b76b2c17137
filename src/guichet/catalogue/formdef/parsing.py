"""Reading a form definition: JSON in, a `FormDefinition` or French messages out."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from guichet.catalogue.formdef.fields import ITEM_TYPES, InvalidFormDefinition
from guichet.catalogue.formdef.structure import FormDefinition, FormItem, structure_problems

_items_adapter: TypeAdapter[list[Any]] = TypeAdapter(list[FormItem])


def parse_form_definition(data: Any) -> FormDefinition:
    """Parse the JSON list stored on a service (or `{"fields": [...]}`).

    Raises InvalidFormDefinition with one French message per problem.
    """
    if isinstance(data, FormDefinition):
        return data
    if isinstance(data, dict) and set(data) == {"fields"}:
        data = data["fields"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise InvalidFormDefinition(["le formulaire doit être une liste de champs"])
    try:
        items = _items_adapter.validate_python(data)
    except ValidationError as error:
        raise InvalidFormDefinition(_french_errors(error, data)) from None
    problems = structure_problems(items)
    if problems:
        raise InvalidFormDefinition(problems)
    return FormDefinition.model_construct(fields=items)


def _french_errors(error: ValidationError, data: list[Any]) -> list[str]:
    messages = []
    for item in error.errors(include_url=False):
        loc: list[Any] = list(item["loc"])
        where = ""
        if loc and isinstance(loc[0], int):
            index = loc.pop(0)
            raw = data[index] if index < len(data) else None
            name = raw.get("name") if isinstance(raw, dict) else None
            where = f"champ n° {index + 1}" + (f" « {name} »" if isinstance(name, str) else "")
            branch: Any = loc[0] if loc else None
            if branch in ITEM_TYPES:
                loc.pop(0)  # the discriminator's branch name adds nothing for a reader
            key: Any = loc[0] if loc else None
            if len(loc) >= 2 and key == "fields" and isinstance(loc[1], int):
                inner = raw.get("fields") if isinstance(raw, dict) else None
                inner_raw = (
                    inner[loc[1]] if isinstance(inner, list) and loc[1] < len(inner) else None
                )
                inner_name = inner_raw.get("name") if isinstance(inner_raw, dict) else None
                where += f", sous-champ n° {loc[1] + 1}" + (
                    f" « {inner_name} »" if isinstance(inner_name, str) else ""
                )
                loc = loc[2:]
                if loc and loc[0] in ITEM_TYPES:
                    loc.pop(0)
        path = ".".join(str(part) for part in loc)
        messages.append(_prefix(where, path, _french_message(item)))
    return messages


def _prefix(where: str, path: str, message: str) -> str:
    parts = [part for part in (where, f"propriété « {path} »" if path else "") if part]
    return (", ".join(parts) + " : " if parts else "") + message


def _french_message(item: Any) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind == "union_tag_invalid":
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        tag = ctx.get("tag")
        if tag in ITEM_TYPES:
            return f"type « {tag} » non permis ici (types possibles : {expected})"
        return f"type de champ inconnu « {tag} » (types possibles : {expected})"
    if kind == "union_tag_not_found":
        return "la propriété « type » est obligatoire"
    known = {
        "missing": "propriété obligatoire manquante",
        "extra_forbidden": "propriété inconnue",
        "string_pattern_mismatch": "seules les minuscules, chiffres et « _ » sont permis, "
        "en commençant par une lettre",
        "string_too_short": "valeur trop courte",
        "string_too_long": "valeur trop longue",
        "too_short": "liste vide ou trop courte",
        "literal_error": f"valeur non permise (valeurs possibles : {ctx.get('expected', '')})",
        "bool_type": "vrai ou faux attendu",
        "bool_parsing": "vrai ou faux attendu",
        "string_type": "texte attendu",
        "list_type": "liste attendue",
        "int_type": "nombre entier attendu",
        "int_parsing": "nombre entier attendu",
        "date_from_datetime_parsing": "date au format AAAA-MM-JJ attendue",
        "date_parsing": "date au format AAAA-MM-JJ attendue",
        "date_type": "date au format AAAA-MM-JJ attendue",
        "decimal_parsing": "nombre attendu",
        "decimal_type": "nombre attendu",
        "model_type": "objet attendu",
        "model_attributes_type": "objet attendu",
        "greater_than_equal": f"valeur au moins égale à {_number(ctx.get('ge'))} attendue",
        "greater_than": f"valeur supérieure à {_number(ctx.get('gt'))} attendue",
        "less_than_equal": f"valeur au plus égale à {_number(ctx.get('le'))} attendue",
    }
    return str(known.get(kind, item["msg"]))


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")
