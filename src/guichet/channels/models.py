"""What the channels app stores: every e-mail that reached the inbound endpoint."""

from django.db import models


def raw_mail_path(instance: "InboundMail", filename: str) -> str:
    return f"inbound-mail/{instance.received_at:%Y/%m}/{filename}"


class InboundMail(models.Model):
    """One e-mail received by `guichet mail-inbound`, with what became of it and why.

    The raw message is kept as an .eml file, so an agent can read a quarantined one as sent
    (a rejected one was never received in full: it has none).
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "accepté"
        QUARANTINED = "quarantined", "en quarantaine"
        REJECTED = "rejected", "refusé"

    class Outcome(models.TextChoices):
        REPLY = "reply", "réponse sur une demande"
        NEW_REQUEST = "new_request", "nouvelle demande à qualifier"
        NONE = "", "aucun"

    received_at = models.DateTimeField("reçu le")
    status = models.CharField("état", max_length=12, choices=Status.choices)
    outcome = models.CharField("résultat", max_length=12, choices=Outcome.choices, blank=True)
    reason = models.CharField("motif", max_length=500, blank=True)
    envelope_from = models.CharField("expéditeur SMTP", max_length=320, blank=True)
    sender = models.CharField("expéditeur (From)", max_length=320, blank=True)
    recipients = models.JSONField("destinataires", default=list, blank=True)
    subject = models.CharField("objet", max_length=300, blank=True)
    message_id = models.CharField("Message-ID", max_length=300, blank=True)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    raw = models.FileField("message brut", upload_to=raw_mail_path, blank=True)
    request = models.ForeignKey(
        "cases.Request", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authority = models.ForeignKey(
        "authorities.Authority", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "courriel reçu"
        verbose_name_plural = "courriels reçus"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="inbound_mail_status")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} : {self.subject or '(sans objet)'} — {self.sender}"
