"""Who files a request or books a slot: a known person, or the details to recognise one."""

from __future__ import annotations

from dataclasses import dataclass

from guichet.core.journal import Actor
from guichet.people import selectors
from guichet.people.actions.persons import MatchResult, find_or_create_person, normalise_identity
from guichet.people.models import Category, Identity, Person, Verification
from guichet.territory.models import Commune


@dataclass(frozen=True)
class Applicant:
    """A known `person` (signed in, chosen by an agent), or what was typed to find or create
    one: names, e-mail and phone (checked at `verification`), category, address, commune."""

    person: Person | None = None
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    category: str = Category.RESIDENT
    address: str = ""
    commune: Commune | None = None
    verification: int = Verification.DECLARED

    @property
    def expected_category(self) -> str:
        """The category the request is routed for (the known person's, or the one typed)."""
        return self.person.category if self.person is not None else self.category

    def check(self) -> None:
        """Raise IdentifierError for a malformed e-mail or phone, before anything is written."""
        if self.person is None:
            for kind, value in (
                (Identity.Kind.EMAIL, self.email),
                (Identity.Kind.PHONE, self.phone),
            ):
                if value:
                    normalise_identity(kind, value)


def person_for(*, applicant: Applicant, actor: Actor, channel: str) -> MatchResult:
    """The applicant's record: the known person (its survivor if merged), or the one their
    identities prove, or a new one written by `actor` (`find_or_create_person`)."""
    if applicant.person is not None:
        return MatchResult(person=selectors.resolve(applicant.person), created=False)
    return find_or_create_person(
        actor=actor, channel=channel, email=applicant.email or None, phone=applicant.phone or None,
        first_name=applicant.first_name, last_name=applicant.last_name,
        verification=applicant.verification, category=applicant.category,
        address=applicant.address, commune=applicant.commune,
    )  # fmt: skip
