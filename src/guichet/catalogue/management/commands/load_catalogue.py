"""`guichet load-catalogue [FILE]`: create or update services from a catalogue file."""

from django.core.management.base import BaseCommand, CommandError

from guichet.catalogue.actions import CatalogueError, load_catalogue
from guichet.core.journal import Actor


class Command(BaseCommand):
    help = "Charge le catalogue de services (par défaut, le catalogue de démonstration)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="fichier JSON {categories, services} (facultatif)"
        )

    def handle(self, *args, file=None, **options):
        try:
            report = load_catalogue(source=file, actor=Actor.system("load-catalogue"))
        except CatalogueError as error:
            raise CommandError("\n".join(["Catalogue non chargé :", *error.errors])) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalogue chargé : {report.services_total} services "
                f"({report.services_created} créés, {report.services_updated} mis à jour, "
                f"{report.services_unchanged} inchangés), "
                f"{report.categories_created} catégories créées, "
                f"{report.categories_updated} mises à jour."
            )
        )
