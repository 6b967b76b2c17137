"""`guichet make-territory-subset SRC DEST --departements 92,37,45`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.core.plurals import ngettext
from guichet.territory.schemas import TerritoryDataError
from guichet.territory.subset import make_subset


class Command(BaseCommand):
    help = (
        "Extrait quelques départements des fichiers nationaux (format Etalab) vers un dossier "
        "au même format : communes, EPCI/EPT ayant un membre dans ces départements, régions, "
        "codes postaux et contours."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="dossier des fichiers nationaux")
        parser.add_argument("destination", type=Path, help="dossier à écrire")
        parser.add_argument(
            "--departements",
            required=True,
            help="codes des départements, séparés par des virgules (ex. 92,37,45)",
        )

    def handle(self, *args, source: Path, destination: Path, departements: str, **options):
        codes = [code.strip() for code in departements.split(",") if code.strip()]
        try:
            counts = make_subset(source, destination, codes)
        except TerritoryDataError as error:
            raise CommandError(str(error)) from error
        for name, count in counts.items():
            self.stdout.write(
                f"{name} : "
                + ngettext("%(n)d enregistrement", "%(n)d enregistrements", count) % {"n": count}
            )
