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
    current_version = models.ForeignKey(
        "catalogue.ServiceVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="version en vigueur",
        help_text="la version publiée que le portail montre et que les demandes suivent",
    )
    retention_days = models.PositiveIntegerField(
        "conservation des données personnelles après clôture (jours)",
        null=True,
        blank=True,
        help_text="vide : la durée par défaut de la plateforme (GUICHET_RETENTION_DAYS)",
    )
    # Place-based reports (issue 16): where they show publicly, and how near and how recent
    # an open request of the same service must be to be offered as "already reported".
    public_reports = models.BooleanField(
        "signalements visibles sur la carte publique",
        default=False,
        help_text="les demandes ouvertes et récemment traitées apparaissent, sans donnée "
        "personnelle, sur la carte publique des signalements",
    )
    nearby_radius_m = models.PositiveIntegerField(
        "distance des signalements proches (mètres)",
        default=0,
        help_text="0 : ne pas chercher les signalements déjà faits à proximité",
    )
    nearby_days = models.PositiveSmallIntegerField(
        "ancienneté des signalements proches (jours)", default=30
    )
    # Open data (issue 19): a service whose requests must never be published (social help,
    # civil status...) is left out of every open data set.
    open_data = models.BooleanField(
        "demandes publiées en données ouvertes",
        default=True,
        help_text="décoché : les demandes de ce service n'apparaissent dans aucun jeu de "
        "données ouvertes, même anonymisées",
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


class ServiceVersion(models.Model):
    """One version of a service: its public page, form and workflow, frozen once published.

    A service has at most one draft; publishing a draft freezes it and makes it the service's
    current version (its content is copied onto the `Service` row, which the portal and the
    filing read). Every request keeps the version it was filed with (`Request.service_version`)
    and is shown with that version's fields and labels. Writes go through
    `catalogue.versions`; `save()` refuses any change to a version that is not a draft.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "brouillon"
        PUBLISHED = "published", "publiée"
        RETIRED = "retired", "remplacée"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("numéro")
    status = models.CharField("statut", max_length=12, choices=Status.choices)
    # The content: the public page, the channels and the promise, the form, the workflow.
    page = models.JSONField(
        "page publique",
        default=dict,
        help_text="nom, nature, catégorie, résumé, description, niveau, pièces, mots-clés",
    )
    channels = models.JSONField("canaux acceptés", default=list, blank=True)
    sla_working_days = models.PositiveSmallIntegerField(
        "délai promis (jours ouvrés)", null=True, blank=True
    )
    form_definition = models.JSONField("formulaire", default=list, blank=True)
    workflow_definition = models.JSONField(
        "circuit de traitement", default=dict, blank=True, help_text="vide : le circuit par défaut"
    )
    revision = models.PositiveIntegerField("révision du brouillon", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField("créée par", max_length=150, blank=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.CharField("publiée par", max_length=150, blank=True)
    note = models.TextField("note de publication", blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "version de service"
        verbose_name_plural = "versions de service"
        ordering = ["service", "number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="service_version_number"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status="draft"),
                name="service_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} — version {self.number} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """Refuse any write to a frozen version: a published (or retired) one never changes
        (`catalogue.versions` publishes a draft, and retires the previous version by status)."""
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored is not None and stored != self.Status.DRAFT:
                raise FrozenVersion(
                    f"La version {self.number} est publiée : elle ne peut plus être modifiée. "
                    "Ouvrez un brouillon pour la changer."
                )
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def name(self) -> str:
        return str(self.page.get("name", ""))

    @cached_property
    def form(self) -> FormDefinition:
        return parse_form_definition(self.form_definition)


class FrozenVersion(Exception):
    """A write to a published (or retired) version: refused, with the French reason."""
