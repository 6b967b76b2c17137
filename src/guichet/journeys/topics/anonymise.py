"""Example texts shown beside a topic, with no name, e-mail address or phone number left."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:(?:\+|00)33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")
# A civility followed by capitalised words: "M. Dupont", "Madame Anne Martin".
CIVILITY = re.compile(
    r"\b(M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Dr|Docteur|Maître|Me)\s+"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'-]*)(?:\s+[A-ZÀ-ÖØ-Þ][\w'-]*)?"
)
LONG_NUMBER = re.compile(r"\b\d{6,}\b")  # account, tax or file numbers
MAX_LENGTH = 280


def anonymise(text: str, names: tuple[str, ...] = ()) -> str:
    """`text` without e-mails, phones, long numbers, civility + name, nor the given `names`
    (the writer's own first and last names), shortened to MAX_LENGTH characters."""
    text = EMAIL.sub("[courriel]", text)
    text = PHONE.sub("[téléphone]", text)
    text = CIVILITY.sub(lambda m: f"{m.group(1)} [nom]", text)
    text = LONG_NUMBER.sub("[numéro]", text)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = re.sub(rf"(?i)\b{re.escape(name)}\b", "[nom]", text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1].rstrip() + "…"
