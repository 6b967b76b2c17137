"""Triage tests: the request world (real catalogue and authorities), model files in tmp."""

from __future__ import annotations

import pytest
from cases.conftest import _module_world, world  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    settings.GUICHET_INBOUND_MAIL_DOMAIN = "guichet.exemple.fr"
    settings.GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY = ""
