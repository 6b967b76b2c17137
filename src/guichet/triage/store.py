"""Where model files live (DATA_DIR/triage, outside MEDIA_ROOT: never served) and the
per-process cache of loaded models, so a prediction inside intake does not read a file."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import joblib
from django.conf import settings

from guichet.triage.classifier import Model

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, Model] = {}
# Model files kept per authority: a model's vocabulary holds words of the requests it learnt
# from, so older files are deleted (the register of processing states it).
KEEP_FILES = 3


def root() -> Path:
    return Path(settings.DATA_DIR) / "triage"


def path_for(authority_id: int, version: int) -> Path:
    return root() / str(authority_id) / f"v{version}.joblib"


def save(model: Model, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    joblib.dump(model, partial, compress=3)
    partial.replace(path)  # never a half-written model file under its final name


def load(path: str) -> Model | None:
    """The model in `path` (cached), or None when it is missing or unreadable (logged): the
    caller then leaves the request to the triage team."""
    with _lock:
        if path in _cache:
            return _cache[path]
    try:
        model = joblib.load(path)
        if not isinstance(model, Model):
            raise TypeError(f"not a triage model: {type(model).__name__}")
    except Exception:
        logger.exception("triage model %s cannot be loaded", path)
        return None
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[path] = model
    return model


def prune(authority_id: int, keep: list[str]) -> int:
    """Delete the authority's model files not in `keep`; the number deleted."""
    folder = root() / str(authority_id)
    deleted = 0
    for path in folder.glob("v*.joblib"):
        if str(path) not in keep:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
