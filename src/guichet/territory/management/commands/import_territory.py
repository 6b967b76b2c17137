"""`guichet import-territory [PATH]`: import the administrative map (Etalab format)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guichet.core.journal import Actor
from guichet.territory.actions import import_territory
from guichet.territory.progress import ImportProgress
from guichet.territory.schemas import TerritoryDataError


class Command(BaseCommand):
    help = (
        "Importe le découpage administratif (communes, EPCI, EPT, départements, régions, "
        "codes postaux, contours) depuis un dossier au format Etalab ; sans chemin, importe "
        "le territoire de démonstration livré avec Guichet. Relancer l'import met à jour "
        "sans créer de doublons."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="dossier contenant communes.json, epci.json… (défaut : données livrées)",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="n'affiche ni progression ni rapport"
        )

    def handle(self, *args, path: Path | None, quiet: bool, **options):
        source = path or Path(settings.GUICHET_TERRITORY_DATA)
        try:
            with ImportProgress(enabled=not quiet) as progress:
                report = import_territory(
                    source=source, actor=Actor.system("import-territory"), progress=progress
                )
        except TerritoryDataError as error:
            raise CommandError(f"Import du territoire refusé : {error}") from error
        if not quiet:
            for line in report.lines():
                self.stdout.write(line)
