"""`guichet demo`: build the demo world on the configured database and serve it."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guichet.demo.world import DEMO_PASSWORD, build_world


class Command(BaseCommand):
    help = "Prépare le monde de démonstration (idempotent) puis le sert sur http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="préparer sans servir")
        parser.add_argument("--population", type=int, default=3000, help="usagers fictifs (3000)")
        parser.add_argument("--seed", type=int, default=2026, help="graine aléatoire (2026)")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, no_serve, population, seed, bind, **options):
        console = Console(file=self.stdout, highlight=False)
        console.print(f"[bold]Guichet — démonstration[/] (base : {_database_label()})")
        call_command("migrate", verbosity=0, interactive=False)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as progress:
            steps = progress.add_task("Préparation", total=4)
            people = progress.add_task("Usagers", total=population, visible=False)

            def on_step(label: str) -> None:
                progress.update(
                    steps, description=label, advance=0 if label.startswith("Territoire") else 1
                )

            def on_person(done: int, total: int) -> None:
                progress.update(people, completed=done, total=total, visible=True)

            report = build_world(
                population=population, seed=seed, progress=on_step, person_progress=on_person
            )
            progress.update(steps, completed=4, description="Monde de démonstration prêt")

        base = f"http://{bind}"
        console.print(f"\n{len(report.authorities)} collectivités, {report.persons} usagers.")
        console.print(
            f"Portail usagers : {base}/\nEspace agents :   {base}/agents/\nAdministration :  {base}/admin/"
        )
        table = Table(title=f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for column in ("identifiant", "rôle", "collectivité"):
            table.add_column(column)
        for username, role, authority in report.accounts:
            table.add_row(username, role, authority)
        console.print(table)
        if not no_serve:
            call_command("serve", bind=bind)


def _database_label() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"SQLite {database['NAME']}"
    return f"PostgreSQL {database.get('HOST') or 'local'}/{database['NAME']}"
