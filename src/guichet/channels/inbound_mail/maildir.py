"""Poll mode: file the messages of a Maildir (filled by fetchmail, getmail or the MTA).

Each message in `new/` is ingested, then moved to `cur/` when accepted, or to the Maildir++
folder `.Quarantaine/` when quarantined or too large, so an administrator sees both in any
mail client. A message that could not be stored (database down) stays in `new/` and is tried
again at the next poll.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings

from guichet.channels.inbound_mail import intake
from guichet.channels.models import InboundMail

log = logging.getLogger(__name__)

QUARANTINE_FOLDER = ".Quarantaine"


def ensure_maildir(root: Path) -> None:
    for base in (root, root / QUARANTINE_FOLDER):
        for sub in ("new", "cur", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)


def poll(root: Path) -> dict[str, int]:
    """Ingest every message waiting in `root/new`; return counts per status."""
    ensure_maildir(root)
    counts = {"accepted": 0, "quarantined": 0, "rejected": 0, "retry": 0}
    limit = settings.GUICHET_INBOUND_MAIL_MAX_BYTES
    for path in sorted((root / "new").iterdir()):
        if not path.is_file():
            continue
        try:
            if path.stat().st_size > limit:
                mail = intake.record_rejection(
                    reason=f"Courriel trop volumineux (plus de {limit // (1024 * 1024)} Mo) : "
                    "non traité, laissé dans le dossier Quarantaine.",
                    envelope_from="",
                    recipients=[],
                )
            else:
                mail = intake.ingest(path.read_bytes(), envelope_from=None, recipients=[])
        except Exception:
            log.exception("maildir message %s not stored, will retry", path.name)
            counts["retry"] += 1
            continue
        counts[mail.status] += 1
        target = root if mail.status == InboundMail.Status.ACCEPTED else root / QUARANTINE_FOLDER
        # ":2,S" marks it seen, in the Maildir naming convention.
        os.replace(path, target / "cur" / f"{path.name.split(':')[0]}:2,S")
    return counts
