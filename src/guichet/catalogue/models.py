"""The service catalogue: what a person can ask for, how, and with what promise."""

from django.db import models
from django.utils.functional import cached_property

from guichet.catalogue.formdef import FormDefinition, parse_form_definition


class Level(models.TextChoices):
    """Which tier of local government delivers a service by default."""

    COMMUNAL = "communal", "communal"
    INTERCOMMUNAL = "intercommunal", "intercommunal"
    DEPARTMENTAL = "departmental", "départemental"


class Channel(models.TextChoices):
    """Where a request comes in. Every request records one."""

    WEB = "web", "portail web"
    COUNTER = "counter", "accueil physique"
    PHONE = "phone", "téléphone"
    EMAIL = "email", "courriel"
    MAIL = "mail", "courrier"
    SMS = "sms", "SMS"
    API = "api", "API"
    OPEN311 = "open311", "Open311"


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=120)
    icon = models.CharField("icône DSFR", max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "catégorie"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class WorkflowDefinition(models.Model):
    """A per-service lifecycle stored as data (states, transitions, roles).

    The engine that reads it lives in `cases.workflow`; a service without one follows the
    default lifecycle.
    """

    slug = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=120)
    definition = models.JSONField(default=dict)

    class Meta:
        verbose_name = "circuit de traitement"
        verbose_name_plural = "circuits de traitement"

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Kind(models.TextChoices):
        INFORMATIONAL = "informational", "information"
        INTERACTIVE = "interactive", "interactif (signalement, question)"
        TRANSACTIONAL = "transactional", "démarche (dossier instruit)"

    slug = models.SlugField("code", unique=True, max_length=80)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=16, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services")
    summary = models.CharField("en une phrase", max_length=300)
    description = models.TextField("description", blank=True)
    level = models.CharField("niveau de compétence", max_length=16, choices=Level.choices)
    required_documents = models.JSONField("pièces justificatives", default=list, blank=True)
    channels = models.JSONField("canaux acceptés", default=list, blank=True)
    sla_working_days = models.PositiveSmallIntegerField(
        "délai promis (jours ouvrés)", null=True, blank=True
    )
    workflow = models.ForeignKey(
        WorkflowDefinition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        help_text="vide : le circuit par défaut",
    )
    form_definition = models.JSONField("formulaire", default=list, blank=True)
    keywords = models.CharField("mots-clés", max_length=300, blank=True)
    is_active = models.BooleanField("publié", default=True)
    retention_days = models.PositiveIntegerField(
        "conservation des données personnelles après clôture (jours)",
        null=True,
        blank=True,
        help_text="vide : la durée par défaut de la plateforme (GUICHET_RETENTION_DAYS)",
    )

    class Meta:
        verbose_name = "service"
        ordering = ["category__position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_requests(self) -> bool:
        return self.kind != self.Kind.INFORMATIONAL

    @cached_property
    def form(self) -> FormDefinition:
        """`form_definition` parsed (raises InvalidFormDefinition), once per object: the
        catalogue's objects are cached per process, so once per process and service."""
        return parse_form_definition(self.form_definition)
