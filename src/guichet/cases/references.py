"""Request references: short, unambiguous to read aloud, and unguessable.

Ten characters from Crockford's base-32 alphabet (no I, L, O, U) carry 50 bits of randomness,
shown as `K7X4-M2QP-Z9`. Typing mistakes are forgiven: lower case, spaces, missing dashes, and
the letters people confuse with digits (O → 0, I/L → 1).
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_reference() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_reference(text: str) -> str | None:
    """The canonical form of what someone typed, or None when it cannot be a reference."""
    compact = "".join(ch for ch in str(text).upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


def new_tracking_secret() -> str:
    return secrets.token_urlsafe(24)
