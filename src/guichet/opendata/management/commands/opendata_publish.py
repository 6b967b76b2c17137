"""`guichet opendata-publish [SLUG ...] [--all]`: publish the open data sets now (for cron and
the demo); without argument, every data set an authority chose to publish."""

from django.core.management.base import BaseCommand, CommandError

from guichet.core.plurals import ngettext
from guichet.opendata import actions
from guichet.opendata.models import Dataset, Publication


class Command(BaseCommand):
    help = "Publie les jeux de données ouvertes (ceux choisis par les collectivités)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="codes des jeux de données (tous par défaut)")

    def handle(self, *args, slugs: list[str], **options):
        datasets = Dataset.objects.filter(publish=True)
        if slugs:
            datasets = Dataset.objects.filter(slug__in=slugs)
            unknown = sorted(set(slugs) - set(datasets.values_list("slug", flat=True)))
            if unknown:
                raise CommandError(f"Jeu de données inconnu : {', '.join(unknown)}.")
        failed = 0
        for dataset in datasets.order_by("authority_id", "kind"):
            try:
                publication = actions.publish(dataset=dataset)
            except actions.PublicationError as error:
                self.stderr.write(f"{dataset.slug} : {error}")
                failed += 1
                continue
            if publication.status == Publication.Status.PUBLISHED:
                self.stdout.write(
                    f"{dataset.slug} : version {publication.version} publiée, "
                    f"{publication.row_count} lignes, {publication.suppressed_count} écartées"
                )
            else:
                failed += 1
                self.stderr.write(f"{dataset.slug} : échec — {publication.error_message}")
        if failed:
            raise CommandError(
                ngettext("%(n)d publication en échec.", "%(n)d publications en échec.", failed)
                % {"n": failed}
            )
