"""From what a resident types as their address to the commune(s) it may be in.

« 12 rue Houdan 92330 Sceaux », « 92330 », « sceaux », « 3 av. de la République St Denis »,
« BP 12 92334 SCEAUX CEDEX »: the postcode is read first, then the commune's name among the
words (accents, case, hyphens, « St »/« Ste » ignored); a postcode shared by several communes
is narrowed by the name when there is one, else all its communes are offered.

`find_communes` is the one entry point the portal calls; a geocoding plugin (a real address
search) replaces the text reading with `use_finder(its_function)` when its app is ready.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from guichet.territory.models import Commune
from guichet.territory.selectors import communes_by_postcode, search_communes
from guichet.territory.text import normalize_name

MAX_CHOICES = 20
# A French postcode: five digits not part of a longer number (Corsica's are 20xxx too).
POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
# « CEDEX », « Cedex 5 »: a delivery mark after the commune's name, never part of it.
CEDEX = re.compile(r"\bcedex\b(?:\s*\d{1,2}\b)?", re.IGNORECASE)
ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# The longest commune name in words (« Saint-Germain-de-la-Grange » has 5; some reach 8).
MAX_NAME_WORDS = 8


@dataclass(frozen=True)
class AddressLookup:
    """The communes an address may be in, best first, and what was understood of it."""

    communes: list[Commune] = field(default_factory=list)
    postcode: str = ""  # the postcode read in the text ("" when none)
    name: str = ""  # the commune name read in the text, normalised ("" when none)


def communes_in_text(text: str) -> AddressLookup:
    """Read a postcode and a commune name anywhere in `text` (no network, no geocoder)."""
    text = CEDEX.sub(" ", text or "")
    words = _words(text)
    postcodes = POSTCODE.findall(text)
    for postcode in reversed(postcodes):  # the postcode comes after the street's number
        communes = communes_by_postcode(postcode)
        if not communes:
            continue
        if len(communes) > 1:
            named = _named_among(words, [c.search_name for c in communes])
            narrowed = [c for c in communes if c.search_name == named]
            if narrowed:
                return AddressLookup(narrowed, postcode, named)
        return AddressLookup(communes, postcode)
    named, communes = _communes_named_in(words)
    if communes:
        return AddressLookup(communes, postcodes[-1] if postcodes else "", named)
    # Nothing complete: the beginning of a name or an INSEE code, as the search box always did.
    if postcodes:
        return AddressLookup([], postcodes[-1])
    return AddressLookup(_current(search_communes(" ".join(words))) if words else [])


_finder: Callable[[str], AddressLookup] = communes_in_text


def use_finder(finder: Callable[[str], AddressLookup]) -> None:
    """Replace the text reading (a geocoding plugin calls this in its AppConfig.ready())."""
    global _finder
    _finder = finder


def find_communes(text: str) -> AddressLookup:
    """The communes the address `text` may be in (see the module's docstring)."""
    return _finder(text)


def _words(text: str) -> list[str]:
    words = normalize_name(POSTCODE.sub(" ", text)).split()
    return [ABBREVIATIONS.get(word, word) for word in words]


def _ngrams(words: list[str]) -> list[tuple[int, int, str]]:
    """(length, end, text) of every run of words, longest first then last in the text first."""
    runs = [
        (length, start + length, " ".join(words[start : start + length]))
        for length in range(1, min(MAX_NAME_WORDS, len(words)) + 1)
        for start in range(len(words) - length + 1)
    ]
    return sorted(runs, reverse=True)


def _named_among(words: list[str], names: list[str]) -> str:
    """The longest (then last) run of `words` that is one of `names`, or ""."""
    wanted = set(names)
    return next((run for _length, _end, run in _ngrams(words) if run in wanted), "")


def _communes_named_in(words: list[str]) -> tuple[str, list[Commune]]:
    """The communes whose full name is a run of `words`: the longest run wins, then the one
    nearest the end (« 12 rue Houdan Sceaux » is in Sceaux, not in Houdan)."""
    runs = _ngrams(words)
    if not runs:
        return "", []
    candidates = Commune.objects.filter(search_name__in={run for _l, _e, run in runs})
    by_name: dict[str, list[Commune]] = {}
    for commune in candidates.select_related("parent", "departement"):
        by_name.setdefault(commune.search_name, []).append(commune)
    for _length, _end, run in runs:
        if run in by_name:
            found = _current(by_name[run])
            if found:
                return run, sorted(found, key=_by_size)
    return "", []


def _by_size(commune: Commune) -> tuple:
    return (-(commune.population or 0), commune.code)


def _current(communes) -> list[Commune]:
    """Delegated communes and arrondissements answered with the commune they belong to."""
    found: dict[int, Commune] = {}
    for commune in communes:
        current = commune if commune.kind == commune.Kind.CURRENT else commune.parent
        if current is not None:
            found.setdefault(current.pk, current)
    return list(found.values())[:MAX_CHOICES]
