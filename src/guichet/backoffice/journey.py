"""One request's or one person's path, in time order, across channels (from the event log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from guichet.backoffice.analytics import Table
from guichet.backoffice.labels import channel_label
from guichet.backoffice.process_graph import activity_label
from guichet.backoffice.templatetags.backoffice import quand
from guichet.cases.models import Request
from guichet.journeys import store

# DSFR badge colour and icon per channel, so a switch of channel shows at a glance.
CHANNEL_STYLE = {
    "web": ("blue-ecume", "fr-icon-computer-line"),
    "phone": ("green-emeraude", "fr-icon-phone-line"),
    "counter": ("yellow-tournesol", "fr-icon-building-line"),
    "email": ("purple-glycine", "fr-icon-mail-line"),
    "mail": ("brown-cafe-creme", "fr-icon-mail-open-line"),
    "sms": ("pink-tuile", "fr-icon-chat-3-line"),
}


@dataclass(frozen=True)
class Step:
    at: datetime
    activity: str
    channel: str | None
    reference: str
    request_pk: int
    gap_seconds: float | None
    visible: bool

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel) if self.channel else ""

    @property
    def badge(self) -> str:
        return CHANNEL_STYLE.get(self.channel or "", ("grey", ""))[0]

    @property
    def icon(self) -> str:
        return CHANNEL_STYLE.get(self.channel or "", ("", "fr-icon-arrow-right-line"))[1]

    @property
    def gap(self) -> str:
        return gap_label(self.gap_seconds)


@dataclass(frozen=True)
class Journey:
    steps: list[Step]
    requests: list[Request]
    hidden_requests: int

    @property
    def channels(self) -> list[str]:
        return sorted({s.channel_label for s in self.steps if s.channel})

    @property
    def table(self) -> Table:
        return Table(
            "parcours", "Parcours chronologique",
            ["Date", "Demande", "Étape", "Canal", "Vu par l'usager", "Écart avec l'étape précédente"],
            [[quand(s.at), s.reference, s.activity, s.channel_label, "oui" if s.visible else "non",
              s.gap] for s in self.steps],
        )  # fmt: skip


def gap_label(seconds: float | None) -> str:
    """ "+ 2 j 3 h", "+ 45 min", "" for the first step."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"+ {days} j {hours} h"
    if hours:
        return f"+ {hours} h {minutes:02d}"
    return f"+ {minutes} min"


def journey_of(requests: list[Request], *, hidden: int = 0) -> Journey:
    """The events of `requests` (which the caller has checked the agent may see), in order."""
    by_id = {str(r.pk): r for r in requests}
    events = (
        store.journal_log()
        .events.filter(pl.col("case_id").is_in(list(by_id)))
        .sort(["timestamp", "event_id"])
    )
    steps, previous = [], None
    for e in events.iter_rows(named=True):
        case = by_id[e["case_id"]]
        gap = (e["timestamp"] - previous).total_seconds() if previous is not None else None
        steps.append(
            Step(
                at=e["timestamp"], activity=activity_label(e["activity"]), channel=e["channel"],
                reference=case.reference, request_pk=case.pk, gap_seconds=gap,
                visible=bool(e["visible"]) if e["visible"] is not None else True,
            )
        )  # fmt: skip
        previous = e["timestamp"]
    return Journey(steps=steps, requests=requests, hidden_requests=hidden)
