"""`guichet retention [--dry-run]`: anonymise the persons whose retention expired (ADR 0025)."""

from typing import Any

from django.core.management.base import BaseCommand

from guichet.core.plurals import ngettext
from guichet.people.rights import retention


class Command(BaseCommand):
    help = (
        "Efface les données personnelles dont la durée de conservation est écoulée "
        "(--dry-run : dit seulement ce qui serait effacé)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="ne rien effacer, compter seulement"
        )
        parser.add_argument(
            "--batch-size", type=int, default=retention.BATCH_SIZE,
            help="usagers effacés par transaction",
        )  # fmt: skip

    def handle(
        self,
        *args: Any,
        dry_run: bool = False,
        batch_size: int = retention.BATCH_SIZE,
        **options: Any,
    ) -> None:
        if dry_run:
            expected, rules = retention.forecast()
            self.stdout.write(
                _n(expected, "%(n)d usager serait anonymisé", "%(n)d usagers seraient anonymisés")
                + " (simulation : rien n'a été effacé)."
            )
            for rule in rules:
                name = "par défaut" if rule.is_default else str(rule.service)
                self.stdout.write(
                    f"  {name} : {_n(rule.days, '%(n)d jour', '%(n)d jours')}, "
                    + _n(rule.expected_requests, "%(n)d demande", "%(n)d demandes")
                )
            return
        counts = retention.run(batch_size=max(1, batch_size))
        self.stdout.write(
            self.style.SUCCESS(
                _n(counts["persons"], "%(n)d usager anonymisé", "%(n)d usagers anonymisés")
                + " en "
                + _n(counts["batches"], "%(n)d lot", "%(n)d lots")
                + "."
            )
        )


def _n(count: int, singular: str, plural: str) -> str:
    return ngettext(singular, plural, count) % {"n": count}
