"""Name normalisation shared by the importer (which stores it) and the search (which queries it)."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐–—'’`´.,/()]+")


def normalize_name(text: str) -> str:
    """`Saint-Rémy-lès-Chevreuse` → `saint remy les chevreuse`; `L'Haÿ` → `l hay`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", without_accents.casefold()).strip()
