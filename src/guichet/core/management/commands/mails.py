"""`guichet mails`: the e-mails sent in development (the `guichet.core.mailbox` backend)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guichet.core import mailbox
from guichet.core.plurals import ngettext

BACKEND = "guichet.core.mailbox.EmailBackend"


class Command(BaseCommand):
    help = (
        "Liste les courriels envoyés en développement ; --voir N en affiche un, --vider les efface."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--voir", type=int, metavar="N", help="affiche le courriel numéro N")
        parser.add_argument("--vider", action="store_true", help="efface les courriels gardés")

    def handle(self, *args: Any, voir: int | None, vider: bool, **options: Any) -> None:
        if settings.EMAIL_BACKEND != BACKEND:
            self.stderr.write(
                f"Les courriels ne sont pas gardés ici : EMAIL_BACKEND vaut {settings.EMAIL_BACKEND}"
                f" (en développement : {BACKEND})."
            )
        sent = list(mailbox.sent_messages())
        if vider:
            for message in sent:
                message.path.unlink(missing_ok=True)
            self.stdout.write(
                ngettext("%(n)d courriel effacé.", "%(n)d courriels effacés.", len(sent))
                % {"n": len(sent)}
            )
            return
        if voir is not None:
            if not 1 <= voir <= len(sent):
                kept = ngettext("%(n)d gardé", "%(n)d gardés", len(sent)) % {"n": len(sent)}
                raise CommandError(f"Pas de courriel numéro {voir} ({kept}).")
            chosen = sent[voir - 1]
            self.stdout.write(f"De : {chosen.message.get('From', '')}")
            self.stdout.write(f"À : {chosen.to}")
            self.stdout.write(f"Date : {chosen.sent_at:%d/%m/%Y %H:%M:%S}")
            self.stdout.write(f"Objet : {chosen.subject}\n")
            self.stdout.write(chosen.text())
            return
        if not sent:
            self.stdout.write(f"Aucun courriel envoyé (dossier {mailbox.folder()}).")
            return
        for number, message in enumerate(sent, start=1):
            self.stdout.write(
                f"{number:>4}  {message.sent_at:%d/%m %H:%M:%S}  {message.to}  {message.subject}"
            )
        self.stdout.write(f"guichet mails --voir N : affiche le courriel N ({mailbox.folder()})")
