"""Fixtures for the territory tests: the shipped demo subset, imported or copied."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from territory.ban_server import ban_server  # noqa: F401 - the BAN-format server, as a fixture

SHIPPED = Path(settings.GUICHET_TERRITORY_DATA)


@pytest.fixture
def shipped_territory(db):
    """The demo territory (départements 92, 37, 45) imported as a user would."""
    call_command("import_territory", quiet=True)
    return SHIPPED


@pytest.fixture
def territory_folder(tmp_path) -> Path:
    """A writable copy of the shipped subset, to alter before importing it."""
    folder = tmp_path / "territory"
    shutil.copytree(SHIPPED, folder)
    return folder
