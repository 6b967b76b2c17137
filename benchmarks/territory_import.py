"""Time the national territory import into a fresh SQLite database, then its re-import.

    python benchmarks/territory_import.py [PATH]      # default ../shared/data/territory

PATH is a folder in the Etalab format (communes.json, epci.json, ...). The database is a
new SQLite file in a temporary folder, deleted at the end; the figures go to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "territory"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_SOURCE)
    source = parser.parse_args().path.resolve()
    if not (source / "communes.json").is_file():
        sys.exit(f"communes.json not found in {source}")

    with tempfile.TemporaryDirectory(prefix="guichet-bench-territory-") as folder:
        # Before django.setup(): the settings read them once.
        os.environ["GUICHET_DATA_DIR"] = folder
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from guichet.core.journal import Actor
        from guichet.territory.actions import import_territory
        from guichet.territory.models import Commune, Intercommunality, Membership, Postcode

        call_command("migrate", verbosity=0)
        print(f"source: {source}")
        print(f"python {platform.python_version()}, {platform.machine()}, SQLite (fresh file)")
        for run in ("first import", "re-import (unchanged)"):
            started = time.perf_counter()
            report = import_territory(source=source, actor=Actor.system("benchmark"))
            elapsed = time.perf_counter() - started
            communes = report.counts["communes"]
            print(
                f"{run:<22} {elapsed:6.2f} s  communes created={communes.created} "
                f"updated={communes.updated} unchanged={communes.unchanged}"
            )
        print(
            f"rows: {Commune.objects.count()} communes, {Intercommunality.objects.count()} "
            f"EPCI/EPT, {Membership.objects.count()} memberships, "
            f"{Postcode.objects.count()} postcode rows, "
            f"{Commune.objects.filter(bbox__isnull=False).count()} boundaries"
        )


if __name__ == "__main__":
    main()
