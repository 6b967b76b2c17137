"""The download link of a data export: signed, and valid as long as the export.

The token names the export and the person it was made for (TimestampSigner, its own salt);
it is refused after GUICHET_EXPORT_DAYS days even before the periodic job deletes the file.
The link is no bearer secret on its own: the page that serves it also requires the signed-in
person it names (`core.accesslog` masks it in logs all the same).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from guichet.people.rights.models import DataExport

SALT = "guichet.people.rights.export-download"

EXPIRED = (
    "Ce lien de téléchargement a expiré : vos données restent disponibles "
    "{days} jours après leur préparation. Demandez un nouvel export."
)


class InvalidLink(Exception):
    """A tampered, foreign or expired download link; its message is the French one to show."""


def download_token(export: DataExport) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"export": export.pk, "person": export.person_id}
    )


def export_for(token: str, person_id: int) -> DataExport:
    """The export the token names, if made for `person_id` and still downloadable; raises
    InvalidLink with the French reason otherwise."""
    days = settings.GUICHET_EXPORT_DAYS
    expired = InvalidLink(EXPIRED.format(days=days))
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=days * 86400)
    except signing.SignatureExpired:
        raise expired from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise InvalidLink("Ce lien de téléchargement n'est pas valide.") from None
    export_id = data.get("export") if isinstance(data, dict) else None
    if not isinstance(export_id, int) or data.get("person") != person_id:
        raise InvalidLink("Ce lien de téléchargement n'est pas valide.")
    export = DataExport.objects.filter(pk=export_id, person_id=person_id).first()
    if export is None:
        raise InvalidLink("Ce lien de téléchargement n'est pas valide.")
    if not export.is_downloadable():
        raise expired
    return export
