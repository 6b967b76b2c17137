"""`guichet export-service SLUG [--number N]`: a service as the JSON document that
`guichet load-catalogue` and the import of a service read (ADR 0027)."""

import json

from django.core.management.base import BaseCommand, CommandError

from guichet.catalogue.interchange import export_service
from guichet.catalogue.models import Service


class Command(BaseCommand):
    help = "Écrit un service (sa version en vigueur, ou celle demandée) en JSON sur la sortie."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="code du service")
        parser.add_argument("--number", type=int, default=None, help="numéro de la version")

    def handle(self, *args, slug: str, number: int | None = None, **options):
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise CommandError(f"Service inconnu : « {slug} ».")
        chosen = (
            service.current_version
            if number is None
            else service.versions.filter(number=number).first()
        )
        if chosen is None:
            raise CommandError(f"Le service « {slug} » n'a pas de version {number or ''}.")
        document = export_service(chosen)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
