"""`guichet serve`: serve Guichet with gunicorn (or Django's development server with --dev)."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Sert Guichet (gunicorn ; --dev pour le serveur de développement de Django)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="adresse:port (127.0.0.1:8000)"
        )
        parser.add_argument("--workers", type=int, default=2, help="processus gunicorn (2)")
        parser.add_argument("--dev", action="store_true", help="serveur de développement Django")

    def handle(self, *args, bind, workers, dev, **options):
        if dev:
            call_command("runserver", bind)
            return
        argv = [
            sys.executable, "-m", "gunicorn", "guichet.config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-",
        ]  # fmt: skip
        self.stdout.write(f"Guichet sur http://{bind}/ (gunicorn, {workers} processus)")
        sys.stdout.flush()
        # exec so that Ctrl-C and service managers talk to gunicorn directly
        os.execv(sys.executable, argv)  # noqa: S606
