"""`guichet worker`: deliver the notification outbox until stopped (or until empty, --once)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from guichet.notifications.delivery import deliver_due


class Command(BaseCommand):
    help = "Envoie les notifications en attente (courriels, SMS), avec reprise sur erreur."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="s'arrêter quand tout est envoyé")
        parser.add_argument("--batch", type=int, default=50, help="notifications par lot")
        parser.add_argument("--idle", type=float, default=1.0, help="pause quand rien n'est dû (s)")
        parser.add_argument("--lease", type=int, default=None, help="durée de réservation (s)")

    def handle(self, *args, once: bool, batch: int, idle: float, lease: int | None, **options):
        stopping = []
        # A polite stop (SIGTERM, Ctrl-C) finishes the batch in hand; SIGKILL is covered by the
        # lease: the rows come back to the queue.
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        total = 0
        try:
            while not stopping:
                claimed = deliver_due(limit=batch, lease_seconds=lease)
                total += claimed
                if not claimed:
                    if once:
                        break
                    time.sleep(idle)
        except KeyboardInterrupt:
            pass
        if options["verbosity"] > 0:
            self.stdout.write(f"{total} notification(s) traitée(s).")
