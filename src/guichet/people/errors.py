"""Errors raised by the people actions; their messages are French and shown to users as is."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guichet.people.models import DuplicateSuspicion, Person


class PeopleError(ValueError):
    """A write on the citizen record that was refused."""


class IdentityConflict(PeopleError):
    """A verified identity already proves another person: a duplicate, never a transfer."""

    def __init__(
        self, message: str, *, owner: Person, suspicion: DuplicateSuspicion | None = None
    ) -> None:
        super().__init__(message)
        self.owner = owner
        self.suspicion = suspicion


class MergeRefused(PeopleError):
    """Two records that cannot be merged (the same one, or one already merged)."""
