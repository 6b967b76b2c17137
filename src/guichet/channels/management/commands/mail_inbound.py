"""`guichet mail-inbound`: receive e-mail (SMTP from the MTA, or a Maildir) until stopped."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guichet.channels.inbound_mail import maildir, server
from guichet.core.plurals import ngettext


class Command(BaseCommand):
    help = (
        "Reçoit les courriels des usagers (SMTP relayé par le serveur de messagerie, ou un "
        "dossier Maildir) et les transforme en messages ou en demandes à qualifier."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="adresse d'écoute SMTP")
        parser.add_argument("--port", type=int, default=2525, help="port d'écoute SMTP")
        parser.add_argument("--maildir", type=Path, help="relever ce dossier Maildir (sans SMTP)")
        parser.add_argument("--interval", type=float, default=30.0, help="relève Maildir (s)")
        parser.add_argument("--once", action="store_true", help="Maildir : une relève, puis fin")

    def handle(self, *args, host: str, port: int, maildir: Path | None, **options) -> None:
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        if maildir is not None:
            self._poll(maildir, stopping, interval=options["interval"], once=options["once"])
            return
        try:
            controller = server.start(host, port)
        except OSError as error:
            raise CommandError(f"Impossible d'écouter sur {host}:{port} : {error}") from error
        limit = settings.GUICHET_INBOUND_MAIL_MAX_BYTES
        self.stdout.write(
            f"Réception des courriels sur {host}:{port} (taille maximale {limit} octets). "
            "Ctrl-C pour arrêter.",
        )
        try:
            stopping.wait()
        finally:
            server.stop(controller)
            self.stdout.write("Réception des courriels arrêtée.")

    def _poll(self, root: Path, stopping: threading.Event, *, interval: float, once: bool):
        while not stopping.is_set():
            counts = maildir.poll(root)
            if any(counts.values()) or once:
                self.stdout.write(
                    ngettext("%(n)d accepté", "%(n)d acceptés", counts["accepted"])
                    % {"n": counts["accepted"]}
                    + f", {counts['quarantined']} en quarantaine, "
                    + ngettext("%(n)d refusé", "%(n)d refusés", counts["rejected"])
                    % {"n": counts["rejected"]}
                    + f", {counts['retry']} à reprendre."
                )
            if once:
                return
            stopping.wait(interval)
