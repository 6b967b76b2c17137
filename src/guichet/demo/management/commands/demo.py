"""`guichet demo`: build the demo world on the configured database and serve it."""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guichet.cases.models import Request
from guichet.core.plurals import ngettext
from guichet.demo.contracts import build_contracts
from guichet.demo.history import build_history
from guichet.demo.opendata import build_opendata
from guichet.demo.participation import build_participation
from guichet.demo.participation_petitions import build_participation_petitions
from guichet.demo.steering import build_steering
from guichet.demo.triage import build_triage
from guichet.demo.world import DEMO_PASSWORD, STEPS, build_world


class Command(BaseCommand):
    help = "Prépare le monde de démonstration (idempotent) puis le sert sur http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="préparer sans servir")
        parser.add_argument("--population", type=int, default=3000, help="usagers fictifs (3000)")
        parser.add_argument(
            "--requests", type=int, default=3000, help="demandes d'historique (3000)"
        )
        parser.add_argument("--months", type=int, default=6, help="mois d'historique (6)")
        parser.add_argument("--seed", type=int, default=2026, help="graine aléatoire (2026)")
        parser.add_argument("--bind", default="127.0.0.1:8000", help="adresse:port servis")

    def handle(self, *args, no_serve, population, requests, months, seed, bind, **options):
        console = Console(file=self.stdout, highlight=False, width=max(Console().width, 110))
        console.print(f"[bold]Guichet — démonstration[/] (base : {_database_label()})")
        call_command("migrate", verbosity=0, interactive=False)
        columns = (
            TextColumn("{task.description:<40}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            tasks = {}

            def advance(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = progress.add_task(STEPS[step], total=total)
                progress.update(tasks[step], completed=done, total=total)

            report = build_world(population=population, seed=seed, progress=advance)
            # The history is replayed once: a second `guichet demo` keeps the first one.
            if requests and not Request.objects.exists():
                history = build_history(
                    months=months, requests=requests, seed=seed,
                    progress=lambda done, total: advance("history", done, total),
                )  # fmt: skip
                console.print(
                    "Historique : "
                    + ngettext("%(n)d demande", "%(n)d demandes", history.filed)
                    % {"n": history.filed}
                    + f" sur {months} mois, "
                    + ngettext(
                        "%(n)d encore ouverte.", "%(n)d encore ouvertes.", history.still_open
                    )
                    % {"n": history.still_open}
                )

        if Request.objects.exists():
            # a model per authority with enough history, and a few free-text requests to see
            # the suggestions and the automatic routing (ADR 0028)
            triage = build_triage()
            console.print(
                "Tri automatique : "
                + ngettext("%(n)d modèle entraîné", "%(n)d modèles entraînés", len(triage.trained))
                % {"n": len(triage.trained)}
                + f" en {triage.seconds:.1f} s"
                + (
                    ngettext(
                        " ; %(n)d demande en texte libre déposée.",
                        " ; %(n)d demandes en texte libre déposées.",
                        len(triage.filed),
                    )
                    % {"n": len(triage.filed)}
                    if triage.filed
                    else "."
                )
            )

        if Request.objects.exists():
            # every authority publishes its open data sets, a first version written at once
            opendata = build_opendata()
            console.print(
                "Données ouvertes : "
                + ngettext("%(n)d jeu publié", "%(n)d jeux publiés", len(opendata.published))
                % {"n": len(opendata.published)}
                + f" en {opendata.seconds:.1f} s."
            )

        if Request.objects.exists():
            # delegation contracts (water, waste), their indicators and an annual report
            steering = build_contracts()
            console.print(
                f"Contrats de délégation : {steering.contracts}, {steering.breaches} manquements, "
                f"rapport annuel {steering.report or 'non généré'} en {steering.seconds:.1f} s."
            )

        ideas = build_participation()  # before the opinion map, which joins its consultation
        if ideas.ideas:
            console.print(
                f"Consultation « Sceaux 2030 » : {ideas.participants} participants, "
                f"{ideas.ideas} idées, {ideas.merges} fusions en {ideas.seconds:.1f} s."
            )
        participation = build_participation_petitions()
        console.print(
            f"Participation : carte des opinions ({participation.votes} votes, "
            f"{participation.groups} groupes) et {participation.petitions} pétitions "
            f"en {participation.seconds:.1f} s."
        )

        # a park surge found by the topic model, and three elected officials' briefings
        briefs = build_steering()
        report.accounts += briefs.accounts
        if briefs.briefings:
            console.print(
                f"Pilotage : {briefs.planted} plaintes plantées, sujets émergents « "
                + " », « ".join(briefs.emerging)
                + f" », {briefs.briefings} notes aux élus."
            )

        base = f"http://{bind}"
        authorities = len(report.authorities)
        console.print(
            "\n"
            + ngettext("%(n)d collectivité", "%(n)d collectivités", authorities)
            % {"n": authorities}
            + ngettext(", %(n)d usager.", ", %(n)d usagers.", report.persons)
            % {"n": report.persons}
        )
        console.print(f"Portail usagers : {base}/")
        console.print(f"Espace agents :   {base}/agents/")
        console.print(f"Administration :  {base}/admin/")
        table = Table(title=f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for column in ("identifiant", "rôle", "collectivité"):
            table.add_column(column, no_wrap=True)
        for username, role, authority in report.accounts:
            table.add_row(username, role, authority)
        console.print(table)
        if not no_serve:
            # The notification worker delivers the outbox; its log goes to a file rather than
            # over the server's. In development the e-mails it sends are files in var/mail/,
            # listed by `guichet mails` and at /agents/courriels/. The replayed history queued
            # none: only what happens from now on is sent.
            log_path = settings.DATA_DIR / "worker.log"
            with log_path.open("a") as log:
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "guichet", "worker"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            console.print(f"Notifications : guichet worker lancé (son journal : {log_path})")
            if settings.EMAIL_BACKEND == "guichet.core.mailbox.EmailBackend":
                console.print(f"Courriels envoyés : « guichet mails » ou {base}/agents/courriels/")
            call_command("serve", bind=bind)


def _database_label() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"SQLite {database['NAME']}"
    return f"PostgreSQL {database.get('HOST') or 'local'}/{database['NAME']}"
