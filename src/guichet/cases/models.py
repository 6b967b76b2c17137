"""Requests (cases) and what hangs off them: messages, attachments, links, routing rules."""

from django.conf import settings
from django.db import models

from guichet.authorities.models import Authority, Team
from guichet.catalogue.models import Service, ServiceVersion
from guichet.core import rows
from guichet.people.models import Person
from guichet.territory.models import Area, Commune


class PublicStatus(models.TextChoices):
    """The small vocabulary every user-facing state maps to, whatever the service."""

    ONGOING = "ongoing", "en cours"
    ACTION_NEEDED = "action_needed", "action attendue de votre part"
    DONE = "done", "traitée"
    CANCELLED = "cancelled", "annulée"


@rows.writable  # written by core.rows.insert on the hottest paths (ADR 0011)
class Request(models.Model):
    """A request from a person to the platform: the case an authority handles.

    `state` is the workflow state; `public_status` its generic translation, kept on the row so
    "my requests" and the open data read it without the workflow. The history is the journal.
    """

    reference = models.CharField("référence", max_length=16, unique=True)
    tracking_secret = models.CharField(max_length=32)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    # The version of the service it was filed with: its form's fields and labels, its workflow
    # (ADR 0027). Null only for rows written before versions existed and not yet migrated.
    service_version = models.ForeignKey(
        ServiceVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name="version du service",
    )
    # The version whose form `form_data` follows, when it differs from `service_version`: a
    # request moved to another service (requalified) keeps its answers readable.
    answered_version = models.ForeignKey(
        ServiceVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="version du formulaire rempli",
    )
    # Filed by a designer on a draft to try it: kept out of queues, statistics, journeys,
    # the API's lists and open data.
    is_test = models.BooleanField("demande de test", default=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="requests")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requests")
    channel = models.CharField("canal", max_length=16)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filed_requests",
        help_text="l'agent qui a saisi la demande (guichet, téléphone, courrier)",
    )
    state = models.CharField("état", max_length=32)
    public_status = models.CharField("statut public", max_length=16, choices=PublicStatus.choices)
    summary = models.CharField("objet", max_length=200)
    form_data = models.JSONField("réponses au formulaire", default=dict, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField("reçue le")
    due_at = models.DateTimeField("échéance", null=True, blank=True)
    paused_since = models.DateTimeField("en attente de l'usager depuis", null=True, blank=True)
    pauses = models.JSONField("attentes de l'usager (terminées)", default=list, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    # Computed by the database from the public status (a test request, and a duplicate merged
    # into its parent, are never in a queue).
    # The queue's index starts with it rather than being partial: a prepared statement's
    # generic plan cannot prove a parameter matches a partial index's condition, and counted
    # the whole authority instead (ADR 0011).
    in_queue = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(
                public_status__in=["ongoing", "action_needed"],
                is_test=False,
                duplicate_of__isnull=True,
            ),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "demande"
        ordering = ["-received_at", "-id"]
        indexes = [
            # The agents' queue: open requests of an authority, most urgent first; with the
            # public status, its counters are read from the index alone.
            models.Index(
                fields=["authority", "in_queue", "due_at", "received_at", "public_status"],
                name="request_queue",
            ),
            models.Index(fields=["authority", "team", "state"], name="request_team_state"),
            models.Index(fields=["person", "received_at"], name="request_person"),
            models.Index(fields=["service", "authority", "resolved_at"], name="request_delay"),
            # "Already reported nearby": a band of latitude within one service, open requests
            # only (9 in 10 rows of a busy street are closed), the longitude and date read from
            # the index (issue 16, benchmarks/nearby.py). The query's literal `in_queue`
            # matches the condition, even in a prepared statement's generic plan.
            models.Index(
                fields=["service", "latitude", "longitude", "received_at"],
                condition=models.Q(in_queue=True),
                name="request_nearby_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.public_status in (PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED)


class Follower(models.Model):
    """A person who follows a request they did not file: they reported the same thing nearby
    ("suivre ce signalement") or their own request was merged into it. Followers get the
    request's notifications and count as one more report."""

    class Source(models.TextChoices):
        FOLLOW = "follow", "suit le signalement"
        MERGE = "merge", "demande fusionnée"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="followers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="followed_requests")
    source = models.CharField("origine", max_length=8, choices=Source.choices)
    # The merged request that made the person a follower (null for a follow).
    merged_request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("depuis le")

    class Meta:
        verbose_name = "personne qui suit une demande"
        verbose_name_plural = "personnes qui suivent une demande"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="one_follow_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} suit {self.request.reference}"


class Message(models.Model):
    """A message between the person and the agents, or an internal note (never shown)."""

    class Author(models.TextChoices):
        PERSON = "person", "usager"
        AGENT = "agent", "agent"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    author_type = models.CharField(max_length=8, choices=Author.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    body = models.TextField("message")
    is_internal = models.BooleanField("note interne", default=False)
    channel = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "message"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_author_type_display()} : {self.body[:40]}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"requests/{instance.request.reference}/{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    field_name = models.CharField("champ du formulaire", max_length=64, blank=True)
    is_internal = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class RoutingRule(models.Model):
    """Within an authority, which team receives a request. The first matching rule wins.

    Every condition left empty matches anything; a rule with no condition at all is a
    catch-all. When no rule matches, the authority's default team receives the request.
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="routing_rules")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service_category = models.ForeignKey(
        "catalogue.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person_category = models.CharField("catégorie d'usager", max_length=16, blank=True)
    communes = models.ManyToManyField(Commune, blank=True, related_name="+")
    areas = models.ManyToManyField(
        Area, blank=True, related_name="+", verbose_name="secteurs",
        help_text="la demande est située dans l'un de ces secteurs",
    )  # fmt: skip
    field_name = models.CharField("champ du formulaire", max_length=64, blank=True)
    field_value = models.CharField("valeur attendue", max_length=200, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="routing_rules")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "règle d'orientation"
        verbose_name_plural = "règles d'orientation"
        ordering = ["authority", "position", "id"]

    def __str__(self) -> str:
        return f"{self.authority} n° {self.position} → {self.team.name}"
