"""API clients: keys per application and authority, and idempotency records."""

from django.conf import settings
from django.db import models

from guichet.authorities.models import Authority


class Scope(models.TextChoices):
    READ = "read", "lecture"
    WRITE = "write", "écriture"


class ApiKey(models.Model):
    """A key given to one application for one authority. Only a hash of the secret is kept.

    The key shown once at creation is `<prefix>.<secret>`; the prefix finds the row, the
    secret is checked against `secret_hash` (SHA-256: the secret is 32 random bytes, so a
    slow password hash would add nothing but latency).
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="api_keys")
    application = models.CharField("application", max_length=120)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField("droits", default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    rate_limit = models.PositiveIntegerField(
        "limite de requêtes par minute",
        null=True,
        blank=True,
        help_text="vide : la limite commune (GUICHET_API_RATE_LIMIT)",
    )

    class Meta:
        verbose_name = "clé d'API"
        verbose_name_plural = "clés d'API"

    def __str__(self) -> str:
        return f"{self.application} ({self.authority}) {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed for retries.

    Keys are per client: an API key, or a signed-in agent of the back-office front end.
    """

    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField("empreinte de la requête", max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_once"),
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_agent"),
        ]

    def __str__(self) -> str:
        return self.key
