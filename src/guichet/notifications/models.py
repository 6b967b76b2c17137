"""The outbox (one row per message to deliver) and the per-authority message templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from guichet.authorities.models import Authority
from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.core import rows
from guichet.people.models import NotificationPreference, Person

MessageKind = NotificationPreference.MessageKind
Channel = NotificationPreference.Channel


@rows.writable  # written by core.rows.insert on the hottest paths (ADR 0011)
class Notification(models.Model):
    """A message to one person on one channel, written in the transaction that caused it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "en attente"
        SENDING = "sending", "en cours d'envoi"
        SENT = "sent", "envoyé"
        FAILED = "failed", "échec"
        BOUNCED = "bounced", "rejeté par le destinataire"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("canal", max_length=8, choices=Channel.choices)
    message_kind = models.CharField("type", max_length=16, choices=MessageKind.choices)
    recipient = models.CharField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=200, blank=True)
    text = models.TextField("texte")
    html = models.TextField("HTML", blank=True)
    # An iCalendar file sent as an attachment (appointments); empty for most messages.
    ics = models.TextField("invitation iCalendar", blank=True, default="")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative")
    # A claimed row is this worker's until then; past it, a dead worker's row is taken back.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    broadcast = models.ForeignKey(
        "Broadcast", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "notification"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient} ({self.get_status_display()})"


class MessageTemplate(models.Model):
    """An authority's wording for one kind of message; absent fields fall back to defaults.

    With a `service`, the wording of that service's requests only (the service designer's
    « Messages » tab); its empty fields fall back to the authority's wording, then the default.
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name="service (vide : tous les services)",
    )  # fmt: skip
    message_kind = models.CharField("type", max_length=16, choices=MessageKind.choices)
    subject = models.CharField("objet du courriel", max_length=200, blank=True)
    text = models.TextField("texte du courriel", blank=True)
    sms = models.TextField("texte du SMS", blank=True)

    class Meta:
        verbose_name = "modèle de message"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "message_kind"],
                condition=models.Q(service__isnull=True),
                name="one_template_per_kind",
            ),
            models.UniqueConstraint(
                fields=["authority", "service", "message_kind"],
                condition=models.Q(service__isnull=False),
                name="one_service_template_per_kind",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.authority} — {self.service}" if self.service_id else str(self.authority)
        return f"{where} — {self.get_message_kind_display()}"


class Broadcast(models.Model):
    """An information message sent by an authority to a segment: its queueing and its history.

    Written when the agent confirms; the queueing (possibly 100,000 rows) runs after, batch by
    batch, moving `queued` up to `total` so the screen can show progress.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "en attente"
        QUEUEING = "queueing", "mise en file en cours"
        QUEUED = "queued", "mise en file terminée"
        FAILED = "failed", "échec de la mise en file"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="envoyée par",
    )  # fmt: skip
    message = models.TextField("message")
    channels = models.JSONField("canaux", default=list)
    # The segment as chosen: commune ids and person categories (empty: the whole territory).
    communes = models.JSONField("communes", default=list, blank=True)
    categories = models.JSONField("catégories", default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField("audience prévue", default=0)
    queued = models.PositiveIntegerField("messages mis en file", default=0)
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("créée le")
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "diffusion"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.authority} — {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.queued * 100 // self.total)
