"""The demo's open data (issue 19, ADR 0036): every active authority publishes its four data
sets, the platform its consolidated ones, and a first version is written at once (the worker
refreshes them daily), so the open data pages show files straight away."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from guichet.authorities.models import Authority
from guichet.core.journal import Actor
from guichet.opendata import actions
from guichet.opendata.models import Publication

ACTOR = Actor.system("démonstration")


@dataclass
class OpendataReport:
    published: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def build_opendata() -> OpendataReport:
    """Choose to publish every data set and publish them; idempotent (a second run writes a new
    version of each)."""
    started = time.monotonic()
    report = OpendataReport()
    owners: list[Authority | None] = [*Authority.objects.filter(is_active=True).order_by("pk")]
    for owner in [*owners, None]:
        for dataset in actions.ensure_datasets(authority=owner, actor=ACTOR):
            actions.update_dataset(dataset=dataset, actor=ACTOR, publish=True)
    for publication in actions.publish_all(actor=ACTOR):
        target = (
            report.published
            if publication.status == Publication.Status.PUBLISHED
            else (report.failed)
        )
        target.append(publication.dataset.slug)
    report.seconds = time.monotonic() - started
    return report
