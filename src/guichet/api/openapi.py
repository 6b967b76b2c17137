"""The committed OpenAPI document: generated from the code, compared in CI."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

DOCUMENT_NAME = "openapi.json"


def repository_root() -> Path:
    # settings.BASE_DIR is the checkout root when it exists; else walk up from src/guichet/api.
    base = getattr(settings, "BASE_DIR", None)
    if base is not None and (Path(base) / "pyproject.toml").exists():
        return Path(base)
    return Path(__file__).resolve().parents[3]


def document_text() -> str:
    """The OpenAPI 3 document of /api/v1/, as committed: sorted keys, indent 2, final newline."""
    from guichet.api.v1 import api

    # A JSON round trip first: ninja mixes int and str status keys, which sort_keys refuses.
    schema = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def committed_path() -> Path:
    return repository_root() / DOCUMENT_NAME
