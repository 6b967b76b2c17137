"""The contract of an intake channel and its registry: where a request comes in, and what
that implies.

A channel plugin says who types the request (the person, an agent, an application), what it
must carry (a scanned letter for paper mail) and checks an intake before anything is written
(`cases.actions.file_request` asks it). The plugins live in the `channels` app, above this
one: it registers them here, so cases never imports it. Adding a channel: (1) a module in
`channels/contrib/` with a class implementing `IntakeChannel`, (2) `@channels.register("<name>")`
on it (this module's `channels`), (3) its import in `channels.apps.ChannelsConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guichet.core.registry import Registry


@dataclass
class Intake:
    """What arrives on a channel, before it becomes a request."""

    channel: str
    filed_by: Any = None  # the agent typing it in, if any
    letter: list[Any] = field(default_factory=list)  # uploads of a scanned letter


class IntakeChannel:
    label: str = ""
    #: an agent types the request for the person (and is recorded as filing it)
    filed_by_agent: bool = False
    #: the original document must be attached (scanned paper mail)
    needs_letter: bool = False

    def check(self, intake: Intake) -> dict[str, list[str]]:
        """French errors per field; empty when the intake may be filed."""
        errors: dict[str, list[str]] = {}
        if self.filed_by_agent and intake.filed_by is None:
            errors["channel"] = [
                "Une demande au guichet, par téléphone ou par courrier est saisie par un agent."
            ]
        if self.needs_letter and not intake.letter:
            errors["courrier"] = ["Joignez le courrier numérisé (PDF ou image)."]
        return errors


channels: Registry[IntakeChannel] = Registry("channel")
