"""`guichet worker`: run the background tasks, sweep the notification outbox, run the periodic
jobs, until stopped (or until nothing is left to do, --once).

With the database task backend (the default) each process claims the queued tasks itself,
with django-tasks-db's worker code. With another backend (RQ, Celery) the tasks run in that
backend's workers, and this command only sweeps the outbox and runs the periodic jobs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, close_old_connections, connection, connections
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from guichet.core.plurals import ngettext
from guichet.notifications import tasks
from guichet.notifications.delivery import deliver_due


class Command(BaseCommand):
    help = (
        "Exécute les tâches en arrière-plan : envoi des notifications (courriels, SMS) avec "
        "reprise sur erreur, tâches périodiques (rappels de rendez-vous…)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="s'arrêter quand tout est fait")
        parser.add_argument(
            "--batch", type=int, default=None, help="notifications par lot (défaut 200)"
        )
        parser.add_argument("--idle", type=float, default=1.0, help="pause quand rien n'est dû (s)")
        parser.add_argument("--lease", type=int, default=None, help="durée de réservation (s)")
        parser.add_argument("--processes", type=int, default=1, help="processus de travail")
        parser.add_argument(
            "--smtp-sessions", type=int, default=None,
            help="connexions SMTP en parallèle par processus (défaut 4)",
        )  # fmt: skip
        parser.add_argument(
            "--sweep", type=float, default=10.0,
            help="intervalle de balayage de la boîte d'envoi sans réveil (s)",
        )  # fmt: skip
        parser.add_argument(
            "--periodic", action=argparse.BooleanOptionalAction, default=None,
            help="lancer les tâches périodiques (défaut : oui, sauf avec --once)",
        )  # fmt: skip

    def handle(self, *args, processes: int, **options) -> None:
        if processes < 1:
            raise CommandError("--processes doit valoir au moins 1.")
        for name in ("batch", "smtp_sessions", "lease"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} doit valoir au moins 1.")
        for name in ("idle", "sweep"):
            if options[name] < 0:
                raise CommandError(f"--{name} ne peut pas être négatif.")
        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend) and options["verbosity"] > 0:
            self.stdout.write(
                f"Les tâches passent par {type(backend).__module__}.{type(backend).__name__} : "
                "lancez aussi les workers de ce moteur (avec RQ : « guichet rqworker --job-class "
                "django_tasks_rq.Job default »). Ce processus-ci balaie la boîte d'envoi et "
                "lance les tâches périodiques."
            )
        total = self._fork(processes, options) if processes > 1 else Loop(index=0, **options).run()
        if options["verbosity"] > 0:
            self.stdout.write(
                ngettext("%(n)d notification traitée.", "%(n)d notifications traitées.", total)
                % {"n": total}
            )

    def _fork(self, processes: int, options: dict) -> int:
        # Children must not share the parent's database connections.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        totals = [context.Value("q", 0) for _ in range(processes)]
        children = [
            context.Process(target=_child, args=(index, options, total), name=f"worker-{index}")
            for index, total in enumerate(totals)
        ]
        for child in children:
            child.start()

        def stop(signum, frame) -> None:
            for child in children:
                if child.is_alive():
                    os.kill(child.pid, signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for child in children:
            child.join()
        return sum(total.value for total in totals)


def _child(index: int, options: dict, total) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent forwards a SIGTERM
    total.value = Loop(index=index, **options).run()


class Loop:
    """One worker process: queued tasks first, then the outbox sweep, then periodic jobs."""

    def __init__(
        self, *, index: int, once: bool, batch: int | None, idle: float, lease: int | None,
        smtp_sessions: int | None, sweep: float, periodic: bool | None, **_,
    ) -> None:  # fmt: skip
        self.once, self.idle, self.sweep_every = once, idle, sweep
        tasks.worker_options.update(batch=batch, lease=lease, sessions=smtp_sessions)
        self.batch, self.lease, self.sessions = tasks.batch_size(), lease, smtp_sessions
        self.stopping = False
        backend = task_backends["default"]
        self.tasks = (
            Worker(
                queue_names=["*"], interval=idle, batch=once, backend_name=backend.alias,
                startup_delay=False, max_tasks=None, excluded_queue_names=[],
                worker_id=f"guichet-{os.getpid()}-{get_random_string(8)}",
            )
            if isinstance(backend, DatabaseBackend)
            else None
        )  # fmt: skip
        # One process runs the periodic jobs, so that N processes do not run them N times.
        # `--once` (cron, tests) runs them only when asked.
        wanted = not once if periodic is None else periodic
        self.periodic = tasks.Periodic(tasks.periodic_jobs()) if wanted and index == 0 else None

    def run(self) -> int:
        # A polite stop (SIGTERM, Ctrl-C) finishes the batch or task in hand; SIGKILL is
        # covered by the lease: the rows come back to the queue.
        signal.signal(signal.SIGTERM, self._stop)
        total, next_sweep = 0, 0.0
        try:
            while not self.stopping:
                if not connection.in_atomic_block:  # (tests call the command in a transaction)
                    close_old_connections()
                handled = self._run_one_task()
                busy = handled is not None
                total += handled or 0
                if self.once or time.monotonic() >= next_sweep:
                    claimed = deliver_due(
                        limit=self.batch, lease_seconds=self.lease, sessions=self.sessions
                    )
                    total += claimed
                    busy = busy or bool(claimed)
                    if not claimed:
                        next_sweep = time.monotonic() + self.sweep_every
                if self.periodic is not None:
                    self.periodic.run_due()
                if not busy:
                    if self.once:
                        break
                    time.sleep(self.idle)
        except KeyboardInterrupt:
            pass
        return total

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def _run_one_task(self) -> int | None:
        """Claim and run one ready task of the database backend (django-tasks-db's code).

        Returns None when no task was ready, else the notifications it handled (0 for other
        tasks).
        """
        if self.tasks is None:
            return None
        ready = DBTaskResult.objects.ready().filter(backend_name=self.tasks.backend_name)
        with exclusive_transaction(ready.db):
            try:
                result = ready.get_locked()
                if result is not None:
                    result.claim(self.tasks.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                result = None
        if result is None:
            return None
        self.tasks.run_task(result)
        if result.task_path == tasks.deliver_outbox.module_path and isinstance(
            result.return_value, int
        ):
            return result.return_value
        return 0
