"""guichet export-openapi [--check]: write or check the committed OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.api.openapi import committed_path, document_text


class Command(BaseCommand):
    help = "Écrit openapi.json à la racine du dépôt (ou vérifie qu'il est à jour avec --check)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="échoue si le fichier diffère du code"
        )
        parser.add_argument("--output", type=Path, default=None, help="autre fichier à écrire")

    def handle(self, *args, check: bool = False, output: Path | None = None, **options):
        target = output or committed_path()
        text = document_text()
        if check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                raise CommandError(
                    f"{target} n'est pas à jour : lancez « guichet export-openapi » et "
                    "committez le résultat."
                )
            self.stdout.write(f"{target} est à jour.")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Document OpenAPI écrit dans {target}."))
