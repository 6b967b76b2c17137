"""Platform-wide models: agents' user accounts and the event journal."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from guichet.core import rows


class User(AbstractUser):
    """An agent or administrator signing in to the back office.

    Residents are `people.Person` records, not users: a person exists before any account.
    """

    class Meta:
        verbose_name = "compte agent"
        verbose_name_plural = "comptes agents"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ActorType(models.TextChoices):
    PERSON = "person", "usager"
    AGENT = "agent", "agent"
    SYSTEM = "system", "système"
    APPLICATION = "application", "application"


@rows.writable  # written by core.rows.insert on the hottest paths (ADR 0011)
class Event(models.Model):
    """One thing that happened, appended once and never changed.

    The columns are a process-mining event log as is: `case_id` (case), `kind` (activity),
    `occurred_at` (timestamp), `resource` (who), `channel`. Foreign keys to domain apps are
    plain integers so the journal stays in `core`, survives deletions and is cheap to append.
    """

    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=64)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resource = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=24, blank=True)
    authority_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    subject_type = models.CharField(max_length=48, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    visible_to_person = models.BooleanField(default=False)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "journal des événements"
        indexes = [
            models.Index(fields=["case_id", "occurred_at"], name="event_case_time"),
            models.Index(fields=["person_id", "occurred_at"], name="event_person_time"),
            models.Index(fields=["authority_id", "occurred_at"], name="event_authority_time"),
            models.Index(fields=["kind", "occurred_at"], name="event_kind_time"),
        ]
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind}"
