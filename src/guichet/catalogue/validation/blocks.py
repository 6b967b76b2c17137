"""Repeatable blocks: the blocks a submission holds and their answers, checked block by block.

An HTML form posts block `i`'s field `f` of block `enfants` as `enfants-<i>-f` (the indexes
need not follow each other: the browser's script leaves gaps when a block is removed); an API
client sends `{"enfants": [{"prenom": ..., "naissance": ...}, ...]}`. Blocks left entirely
empty are not blocks (a page without the script shows one more than needed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from guichet.catalogue.formdef import REPEAT_LIMIT
from guichet.catalogue.validation.cleaners import EMPTY, Invalid, clean_field, is_empty
from guichet.core.plurals import ngettext

_INDEX = re.compile(r"([0-9]{1,4})-([a-z][a-z0-9_]*)")
# More submitted blocks than this is hostile, whatever the form allows.
_MOST_BLOCKS = 2 * REPEAT_LIMIT


@dataclass
class Blocks:
    """A repeat's answer checked: the cleaned blocks, what is wrong with the whole, and each
    submitted block's raw values and errors (by inner field name), for the renderer."""

    cleaned: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    whole: list[str] = field(default_factory=list)  # the messages about no block in particular
    raw: list[Mapping[str, Any]] = field(default_factory=list)
    errors: list[dict[str, list[str]]] = field(default_factory=list)


def submitted_blocks(item: Any, data: Mapping[str, Any]) -> list[Any]:
    """The blocks sent, in order, without the empty ones: a mapping of inner field name to
    raw value each (or, from an API, whatever was sent in the block's place)."""
    sent = data.get(item.name)
    if isinstance(sent, list | tuple):
        blocks = list(sent)[: _MOST_BLOCKS + 1]
    elif sent is not None and not (isinstance(sent, str) and not sent.strip()):
        raise Invalid("Une liste de blocs est attendue.")
    else:
        blocks = _html_blocks(item, data)
    return [block for block in blocks if not _empty_block(item, block)]


def _html_blocks(item: Any, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    prefix = f"{item.name}-"
    inner = {spec.name: spec for spec in item.fields}
    indexes: set[int] = set()
    for key in data:
        if not isinstance(key, str) or not key.startswith(prefix):
            continue
        found = _INDEX.fullmatch(key[len(prefix) :])
        if found and found.group(2) in inner:
            indexes.add(int(found.group(1)))
            if len(indexes) > _MOST_BLOCKS:
                break
    getlist = getattr(data, "getlist", None)
    blocks = []
    for index in sorted(indexes):
        block = {}
        for name, spec in inner.items():
            key = f"{prefix}{index}-{name}"
            if spec.type == "multiple_choice" and callable(getlist):
                block[name] = getlist(key)
            elif key in data:
                block[name] = data.get(key)
        blocks.append(block)
    return blocks


def _empty_block(item: Any, block: Any) -> bool:
    if not isinstance(block, Mapping):
        return block is None
    for spec in item.fields:
        value = block.get(spec.name)
        if spec.type == "checkbox":
            if isinstance(value, str) and value.strip().lower() in ("", "off", "false", "0", "non"):
                continue
            if value in (None, False, 0):
                continue
            return False
        if not is_empty(value):
            return False
    return True


def check_blocks(item: Any, data: Mapping[str, Any]) -> Blocks:
    """Every block of `item` in `data` checked (raises Invalid only when the answer is not a
    list of blocks at all)."""
    result = Blocks(raw=[])
    blocks = submitted_blocks(item, data)
    if len(blocks) > item.max_items:
        result.messages.append(
            ngettext(
                "Au plus %(n)d bloc « %(label)s » est permis (il y en a %(count)d).",
                "Au plus %(n)d blocs « %(label)s » sont permis (il y en a %(count)d).",
                item.max_items,
            )
            % {"n": item.max_items, "label": item.item_label, "count": len(blocks)}
        )
        blocks = blocks[:_MOST_BLOCKS]
    elif len(blocks) < item.least:
        result.messages.append(
            ngettext(
                "Remplissez au moins %(n)d bloc « %(label)s ».",
                "Remplissez au moins %(n)d blocs « %(label)s ».",
                item.least,
            )
            % {"n": item.least, "label": item.item_label}
        )
    result.whole = list(result.messages)
    for number, block in enumerate(blocks, start=1):
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        if not isinstance(block, Mapping):
            message = f"{item.item_label} {number} : un objet est attendu."
            result.messages.append(message)
            result.whole.append(message)
            result.raw.append({})
            result.errors.append({})
            continue
        for spec in item.fields:
            try:
                value = clean_field(spec, block, {})
            except Invalid as invalid:
                errors[spec.name] = invalid.messages
                result.messages += [
                    f"{item.item_label} {number}, {_lower(spec.label)} : {_lower(message)}"
                    for message in invalid.messages
                ]
                continue
            if value is not EMPTY:
                cleaned[spec.name] = value
        result.raw.append(block)
        result.errors.append(errors)
        result.cleaned.append(cleaned)
    return result


def clean_repeat(item: Any, data: Mapping[str, Any]) -> Any:
    """The cleaned list of blocks, EMPTY for none, or Invalid with one message per problem
    (« Enfant 2, date de naissance : ce champ est obligatoire. »)."""
    checked = check_blocks(item, data)
    if checked.messages:
        raise Invalid(*checked.messages)
    return checked.cleaned or EMPTY


def _lower(text: str) -> str:
    """A label or a message inside a sentence: « Date de naissance » → « date de naissance »,
    but « SIRET » stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
