"""The pure rules of the inbound e-mail intake: no database, no network.

- Which request references an e-mail names (reply address first, then the subject).
- Which e-mails must never become a request: spam flagged upstream, auto-replies, bounces
  and mailing lists (answering those is how mail loops start).
"""

from __future__ import annotations

import re

from guichet.cases.references import normalise_reference
from guichet.channels.inbound_mail.parsing import ParsedMail

REPLY_LOCAL_PART = "demande"  # replies go to demande+<référence>@<domaine>

# Four, four and two characters of the reference alphabet (with the letters people confuse),
# separated by a dash, a space or nothing: "K7X4-M2QP-Z9", "k7x4 m2qp z9", "K7X4M2QPZ9".
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[-\s]?([0-9A-Za-z]{4})[-\s]?([0-9A-Za-z]{2})(?![0-9A-Za-z])"
)

_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# Subjects mail clients put on out-of-office answers sent without any header saying so.
# ("Absence" alone is not enough: "Absence de mon fils à la cantine" is a real request.)
_AUTO_SUBJECT = re.compile(
    r"^\s*(réponse automatique|automatic reply|auto(matic)?[- ]?reply|out of (the )?office)\b",
    re.IGNORECASE,
)
_DAEMONS = ("mailer-daemon@", "postmaster@", "noreply@", "no-reply@", "ne-pas-repondre@")


def references_in(text: str) -> list[str]:
    """Every well-formed reference in `text`, normalised, in order, without repeats."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        reference = normalise_reference("".join(match.groups()))
        if reference and reference not in found:
            found.append(reference)
    return found


def reply_references(recipients: list[str]) -> list[str]:
    """References carried by plus-addressed recipients: demande+K7X4-M2QP-Z9@…."""
    found = []
    for address in recipients:
        local = address.rpartition("@")[0].lower()
        prefix, plus, tag = local.partition("+")
        if plus and prefix == REPLY_LOCAL_PART:
            reference = normalise_reference(tag)
            if reference and reference not in found:
                found.append(reference)
    return found


def authority_slugs(recipients: list[str]) -> list[str]:
    """Candidate authority slugs: the local parts of the recipients, plus-tags removed."""
    found = []
    for address in recipients:
        local = address.rpartition("@")[0].lower().partition("+")[0]
        if local and local != REPLY_LOCAL_PART and local not in found:
            found.append(local)
    return found


def is_bounce(mail: ParsedMail, *, envelope_from: str | None) -> bool:
    """A delivery status notification: the null sender, or a `multipart/report`."""
    return envelope_from == "" or mail.content_type == "multipart/report"


def refusal(mail: ParsedMail, *, envelope_from: str | None) -> str:
    """Why `mail` must not be filed (French), or "" when it may be.

    `envelope_from` is the SMTP MAIL FROM ("" is the null sender of bounces; None when
    unknown, as for a file read from a Maildir).
    """
    if mail.malformed:
        return mail.malformed
    headers = mail.headers
    if headers.get("x-spam-flag", "").strip().lower().startswith("yes"):
        return "Courriel indésirable signalé par le filtre anti-spam (X-Spam-Flag)."
    if headers.get("x-spam-status", "").strip().lower().startswith("yes"):
        return "Courriel indésirable signalé par le filtre anti-spam (X-Spam-Status)."
    if re.search(r"\bdmarc=fail\b", headers.get("authentication-results", ""), re.IGNORECASE):
        return "Expéditeur non authentifié : échec DMARC signalé par le serveur de réception."
    if is_bounce(mail, envelope_from=envelope_from):
        return "Avis de non-remise (bounce) : aucune demande créée."
    if mail.sender.startswith(_DAEMONS):
        return "Courriel d'un robot (adresse de non-réponse) : aucune demande créée."
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return f"Réponse automatique (Auto-Submitted: {auto}) : aucune demande créée."
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return "Réponse automatique (en-tête de répondeur) : aucune demande créée."
    if _AUTO_SUBJECT.match(mail.subject):
        return "Réponse automatique (objet du message) : aucune demande créée."
    if headers.get("precedence", "").strip().lower() in _AUTO_PRECEDENCE:
        return "Envoi automatique ou liste de diffusion (Precedence) : aucune demande créée."
    if "list-id" in headers:
        return "Message d'une liste de diffusion (List-Id) : aucune demande créée."
    if not mail.sender:
        return "Expéditeur absent ou illisible (en-tête From)."
    return ""
