"""The one place settings read the environment.

Every variable Guichet understands is read through `env()` here, so `docs/configuration`
and `guichet check --deploy` have a single list to trust.
"""

import json
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json(name: str, default):
    """A JSON value (e.g. GUICHET_WORKER_PERIODIC); a malformed one stops the start-up."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} n'est pas du JSON valide : {error}") from error


def data_dir() -> Path:
    """Where the embedded mode keeps its SQLite file and uploads (GUICHET_DATA_DIR)."""
    path = Path(env("GUICHET_DATA_DIR", str(Path.cwd() / "var"))).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
