"""`guichet serve`: serve Guichet with gunicorn (or Django's development server with --dev)."""

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Sert Guichet (gunicorn ; --dev pour le serveur de développement de Django)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="adresse:port (127.0.0.1:8000)"
        )
        parser.add_argument("--workers", type=int, default=2, help="processus gunicorn (2)")
        parser.add_argument("--dev", action="store_true", help="serveur de développement Django")
        parser.add_argument(
            "--access-log", default="-", help="journal des accès (- : la sortie standard)"
        )

    def handle(
        self, *args: Any, bind: str, workers: int, dev: bool, access_log: str, **options: Any
    ) -> None:
        if dev:
            call_command("runserver", bind)
            return
        argv = [
            sys.executable, "-m", "gunicorn", "guichet.config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", access_log,
            "-c", "python:guichet.config.gunicorn",  # no "Server: gunicorn" header
            # Secrets in URLs (sign-in tokens, tracking keys) are masked in the access log.
            "--logger-class", "guichet.core.accesslog.AccessLogger",
        ]  # fmt: skip
        self.stdout.write(f"Guichet sur http://{bind}/ (gunicorn, {workers} processus)")
        sys.stdout.flush()
        # exec so that Ctrl-C and service managers talk to gunicorn directly
        os.execv(sys.executable, argv)  # noqa: S606
