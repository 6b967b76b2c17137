"""A person's data exports (access and portability) and the agents' access log.

Registered with the `people` app: `people/models.py` imports this module at its end.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property

from guichet.core import clock

if TYPE_CHECKING:
    from guichet.people.models import Person


class ExportStorage(FileSystemStorage):
    """Where export archives are written: `<MEDIA_ROOT>/exports/`, a folder no URL serves
    (uploaded files are never served from MEDIA_URL; only the views that check who asks open
    them). Follows MEDIA_ROOT when it changes (tests), as the default storage does."""

    @cached_property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT) / "exports")


export_storage = ExportStorage()


def _export_storage() -> ExportStorage:
    return export_storage


def export_path(export: DataExport, filename: str) -> str:
    return f"{export.created_at:%Y/%m}/{filename}"


class DataExport(models.Model):
    """Everything the platform holds about one person, as a ZIP built by a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "en attente"
        RUNNING = "running", "en préparation"
        READY = "ready", "prête"
        FAILED = "failed", "échec"
        EXPIRED = "expired", "expirée"

    PENDING = (Status.QUEUED, Status.RUNNING)

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name="usager"
    )
    # The agent who asked for it at the counter; empty when the person asked themself.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="demandée par",
    )  # fmt: skip
    status = models.CharField("état", max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("parties faites", default=0)
    total = models.PositiveIntegerField("parties", default=0)
    file = models.FileField(
        "archive", upload_to=export_path, storage=_export_storage, blank=True, max_length=200
    )
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    error = models.CharField("erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("demandée le", default=clock.now)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    expires_at = models.DateTimeField("disponible jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "export de données personnelles"
        verbose_name_plural = "exports de données personnelles"
        ordering = ["-created_at", "-id"]
        constraints = [
            # An export asked twice while one is waiting or running is that one.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_pending_export_per_person",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="export_status_expiry")]

    def __str__(self) -> str:
        return f"export {self.pk} de {self.person_id} ({self.get_status_display()})"

    @classmethod
    def latest_of(cls, person: Person | int) -> DataExport | None:
        """The person's latest export (the one their page and the agent's show)."""
        return cls.objects.filter(person=person).order_by("-created_at", "-pk").first()

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > clock.now()
        )

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class AccessLog(models.Model):
    """One look by an agent (or an application of the API) at a person's data: who, for which
    authority, what, when. Shown to the person and included in their export."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="agent",
    )  # fmt: skip
    # Who it was, kept as written then (the account may be renamed or deleted later).
    agent_label = models.CharField("agent ou application", max_length=200, blank=True)
    # The agent's role there then, in French as shown (empty for an application).
    role = models.CharField("rôle", max_length=80, blank=True)
    authority = models.ForeignKey(
        "authorities.Authority", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="collectivité",
    )  # fmt: skip
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name="usager"
    )
    what = models.CharField("donnée consultée", max_length=200)
    at = models.DateTimeField("le", default=clock.now)

    class Meta:
        verbose_name = "consultation de données personnelles"
        verbose_name_plural = "consultations de données personnelles"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "at"], name="accesslog_person_at"),
            models.Index(fields=["at"], name="accesslog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_label} → {self.person_id} : {self.what}"
