"""A synthetic but believable population for the demo territory, from a fixed seed."""

from __future__ import annotations

import random
import unicodedata

import phonenumbers
from django.db import transaction
from stdnum import luhn

from guichet.core.journal import Actor
from guichet.demo.names import FIRST_NAMES, LAST_NAMES, STREET_NAMES
from guichet.people import actions as people_actions
from guichet.people.models import Category, Consent, Organisation, Person, Verification
from guichet.territory.models import Commune

CATEGORY_WEIGHTS = {
    Category.RESIDENT: 70,
    Category.COMMUTER: 10,
    Category.BUSINESS: 8,
    Category.ASSOCIATION: 5,
    Category.TOURIST: 5,
    Category.OTHER: 2,
}
# Share of look-alike records typed again at a counter: they become duplicate suspicions.
DUPLICATE_RATE = 0.01


def build_population(
    *, count: int, seed: int, actor: Actor, commune_codes: list[str], progress=None
) -> int:
    """Create `count` persons living in (or dealing with) the given communes; idempotent.

    Returns how many persons exist."""
    existing = Person.objects.filter(merged_into__isnull=True).count()
    if existing >= count:
        return existing
    rng = random.Random(seed)
    home_communes = list(
        Commune.objects.filter(code__in=commune_codes, kind=Commune.Kind.CURRENT).order_by("code")
    )
    with transaction.atomic():
        for index in range(count):
            # Every draw happens even for a person who already exists, so a re-run with a larger
            # count adds the same people a first run with that count would have made.
            person = _person(rng, actor, home_communes, index)
            look_alike = rng.random() < DUPLICATE_RATE
            if person is not None and look_alike:
                _look_alike(actor, person)
            if progress:
                progress(index + 1, count)
    return Person.objects.filter(merged_into__isnull=True).count()


def _person(rng: random.Random, actor: Actor, communes: list[Commune], index: int) -> Person | None:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    commune = rng.choices(communes, weights=[c.population or 1 for c in communes])[0]
    email = f"{_ascii(first)}.{_ascii(last)}{index}@exemple.fr" if rng.random() < 0.85 else None
    phone = _mobile(rng) if rng.random() < 0.6 else None
    if email is None and phone is None:
        phone = _mobile(rng)
    verification = (
        Verification.EMAIL_VERIFIED if email and rng.random() < 0.5 else Verification.DECLARED
    )
    address = f"{rng.randrange(1, 120)} {rng.choice(STREET_NAMES)}"
    draws = (rng.random(), rng.random())
    org_draws = (rng.randrange(10**8), rng.randrange(10**4), rng.randrange(4), rng.randrange(10**9))
    identity = email or phone
    if Person.objects.filter(identities__value__in=[identity, _e164(identity)]).exists():
        return None
    person = people_actions.create_person(
        actor=actor, first_name=first, last_name=last, category=category, email=email,
        phone=phone, address=address, commune=commune, verification=verification, channel="web",
    )  # fmt: skip
    people_actions.record_consent(
        actor=actor, person=person, purpose=Consent.Purpose.NOTIFICATIONS,
        granted=draws[0] < 0.97, source="démonstration",
    )  # fmt: skip
    if draws[1] < 0.4:
        people_actions.record_consent(
            actor=actor, person=person, purpose=Consent.Purpose.BROADCAST, granted=True,
            source="démonstration",
        )  # fmt: skip
    if category in (Category.BUSINESS, Category.ASSOCIATION):
        _organisation(actor, person, category, commune, org_draws)
    return person


BUSINESS_TRADES = ["Bâtiment", "Boulangerie", "Conseil", "Paysage"]
ASSOCIATION_KINDS = ["sportive", "culturelle", "des parents d'élèves", "de quartier"]


def _organisation(actor, person, category, commune, draws) -> None:
    siren_body, nic_body, label_index, rna_number = draws
    if category == Category.BUSINESS:
        siren = f"{siren_body:08d}" + luhn.calc_check_digit(f"{siren_body:08d}")
        siret = f"{siren}{nic_body:04d}"
        siret += luhn.calc_check_digit(siret)
        people_actions.create_organisation(
            actor=actor, kind=Organisation.Kind.BUSINESS, siret=siret, commune=commune,
            name=f"{person.last_name} {BUSINESS_TRADES[label_index]}", members=[person],
        )  # fmt: skip
    else:
        people_actions.create_organisation(
            actor=actor, kind=Organisation.Kind.ASSOCIATION, rna=f"W{rna_number:09d}",
            name=f"Association {ASSOCIATION_KINDS[label_index]} {person.last_name}",
            commune=commune, members=[person],
        )  # fmt: skip


def _e164(phone: str) -> str:
    return "+33" + phone[1:] if phone.startswith("0") else phone


def _look_alike(actor: Actor, person: Person) -> None:
    """The same person typed again at a counter with a declared e-mail: flagged, not merged."""
    email = person.identities.filter(kind="email").values_list("value", flat=True).first()
    if email:
        people_actions.find_or_create_person(
            actor=actor, email=email, first_name=person.first_name, last_name=person.last_name,
            channel="counter",
        )  # fmt: skip


def _mobile(rng: random.Random) -> str:
    """A metropolitan mobile number in a range that is allocated (some 06/07 blocks are not,
    or belong to overseas départements)."""
    while True:
        number = f"0{rng.choice('67')}{rng.randrange(10**8):08d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, "FR")):
            return number


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())
