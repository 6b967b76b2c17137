"""The `guichet` console command: Django's manage.py under the project's name.

`guichet import-territory` and `guichet import_territory` are the same command: Django
command modules are Python identifiers, people type hyphens.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    from guichet.journeys import POLARS_ALLOCATOR_ENV

    for name, value in POLARS_ALLOCATOR_ENV.items():
        os.environ.setdefault(name, value)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
