"""Plausible answers to a service's form fields, for the demo history."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from guichet.core import clock
from guichet.core.calendar import PARIS
from guichet.people.models import Person


def answer(rng: random.Random, item, person: Person) -> Any:
    kind = item.type
    if kind == "choice":
        return rng.choice(item.values)
    if kind == "multiple_choice":
        return rng.sample(item.values, k=rng.randint(1, min(2, len(item.values))))
    if kind == "checkbox":
        return True
    if kind in ("file",) or (not item.required and rng.random() < 0.5):
        return None
    if kind == "short_text":
        if item.pattern == "[A-Za-z0-9]{10}":
            return "".join(rng.choice("ABCDEFGHJK0123456789") for _ in range(10))
        if item.pattern:
            return f"D {rng.randint(1, 999)}" if item.pattern.startswith("[Dd]") else None
        return rng.choice(["Dupont", "Camille", "Fête des voisins", "Réunion publique"])
    if kind == "long_text":
        return rng.choice(LONG_TEXTS)
    if kind == "address":
        return person.address or "1 place de la Mairie"
    if kind == "email":
        emails = [i.value for i in person.identities.all() if i.kind == "email"]
        return emails[0] if emails else f"usager{person.pk}@exemple.fr"
    if kind == "phone":
        # Mobile numbers (06) are all valid; the population's 07 ones are not always.
        phones = [i.value for i in person.identities.all() if i.value.startswith("+336")]
        return phones[0] if phones else f"06{rng.randrange(10**8):08d}"
    if kind == "number":
        low = float(item.min_value) if item.min_value is not None else 1
        high = float(item.max_value) if item.max_value is not None else low + 10
        if item.integer_only:
            return rng.randint(int(low), int(min(high, low + 4)))
        return round(rng.uniform(max(low, 0.5), min(high, low + 3)), 1)
    if kind == "date":
        today = clock.now().astimezone(PARIS).date()
        if item.not_in_past:  # validated against the real date, not the replayed one
            return (date.today() + timedelta(days=rng.randint(7, 60))).isoformat()  # noqa: DTZ011
        return (today - timedelta(days=rng.randint(1, 20))).isoformat()
    if kind == "location":
        bbox = person.commune.bbox or [2.35, 48.85, 2.35, 48.85]
        return {
            "lat": round(rng.uniform(bbox[1], bbox[3]), 5),
            "lon": round(rng.uniform(bbox[0], bbox[2]), 5),
        }
    return None


LONG_TEXTS = [
    "Le problème dure depuis plusieurs jours et gêne les passants du quartier.",
    "Merci de faire le nécessaire rapidement, c'est dangereux le soir.",
    "Un canapé trois places, un réfrigérateur et deux chaises.",
    "Les nuisances reviennent chaque soir et empêchent tout le voisinage de dormir.",
    "Je souhaiterais connaître les démarches à suivre et les pièces à fournir.",
]
