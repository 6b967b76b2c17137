"""`guichet load-catalogue [FILE]`: create or update services from a catalogue file."""

from django.core.management.base import BaseCommand, CommandError

from guichet.catalogue.actions import CatalogueError, load_catalogue
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext


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
                "Catalogue chargé : "
                + _n(report.services_total, "%(n)d service", "%(n)d services")
                + " ("
                + _n(report.services_created, "%(n)d créé", "%(n)d créés")
                + f", {report.services_updated} mis à jour, "
                + _n(report.services_unchanged, "%(n)d inchangé", "%(n)d inchangés")
                + "), "
                + _n(report.categories_created, "%(n)d catégorie créée", "%(n)d catégories créées")
                + ", "
                + _n(report.categories_updated, "%(n)d mise à jour", "%(n)d mises à jour")
                + "."
            )
        )


def _n(count: int, singular: str, plural: str) -> str:
    return ngettext(singular, plural, count) % {"n": count}
