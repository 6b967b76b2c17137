"""Authorities on the platform, their teams and agents, and who delivers which service where."""

from django.conf import settings
from django.db import models

from guichet.catalogue.models import Service, ServiceVersion
from guichet.core import theme
from guichet.territory.models import Commune, Departement, Intercommunality


class Authority(models.Model):
    """A tenant of the platform: a commune, an EPCI/EPT, a département or an operator."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", "commune"
        INTERCOMMUNALITY = "intercommunality", "intercommunalité (EPCI, EPT)"
        DEPARTEMENT = "departement", "département"
        OPERATOR = "operator", "opérateur délégataire"

    slug = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    commune = models.OneToOneField(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="authority"
    )
    intercommunality = models.OneToOneField(
        Intercommunality, null=True, blank=True, on_delete=models.PROTECT, related_name="authority"
    )
    departement = models.OneToOneField(
        Departement, null=True, blank=True, on_delete=models.PROTECT, related_name="authority"
    )
    operator_sector = models.CharField(
        "secteur délégué", max_length=40, blank=True, help_text="eau, déchets, transport…"
    )
    # Branding shown on the authority's pages of the portal (its services, its requests'
    # tracking) and in messages sent on its behalf (guichet/core/theme.py). Empty: the
    # platform's. Never the State's bleu France by default: it is the State's identity.
    brand_color = models.CharField(
        "couleur d'accent",
        max_length=7,
        blank=True,
        validators=[theme.validate_accent],
        help_text="#rrvvbb ; assez foncée pour un texte sur fond blanc (contraste 4,5:1). "
        "Vide : la couleur de la plateforme.",
    )
    logo_url = models.CharField(
        "logo",
        max_length=500,
        blank=True,
        validators=[theme.validate_logo],
        help_text="adresse https://… (son site doit figurer dans GUICHET_CSP_EXTRA_IMG_SRC), "
        "chemin /… sur ce site, ou fichier statique (demo/sceaux.svg)",
    )
    contact_email = models.EmailField("courriel de contact", blank=True)
    contact_phone = models.CharField("téléphone", max_length=20, blank=True)
    website = models.URLField("site web", blank=True)
    is_active = models.BooleanField("active sur la plateforme", default=True)

    class Meta:
        verbose_name = "collectivité"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="authority_territory_matches_kind",
                condition=(
                    models.Q(kind="commune", commune__isnull=False)
                    | models.Q(kind="intercommunality", intercommunality__isnull=False)
                    | models.Q(kind="departement", departement__isnull=False)
                    | models.Q(kind="operator")
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A department (service, direction) of an authority that handles requests."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="teams")
    slug = models.SlugField()
    name = models.CharField("nom", max_length=200)
    is_default = models.BooleanField(
        "équipe par défaut", default=False, help_text="reçoit ce qu'aucune règle n'attribue"
    )

    class Meta:
        verbose_name = "équipe"
        ordering = ["authority__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "slug"], name="team_slug_per_authority"),
            models.UniqueConstraint(
                fields=["authority"], condition=models.Q(is_default=True), name="one_default_team"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.authority.name}"


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", "agent d'accueil"
    CASE_HANDLER = "case_handler", "instructeur"
    MANAGER = "manager", "responsable"
    ADMINISTRATOR = "administrator", "administrateur"
    # Outside the ranking above (authorities/access.py): designs the authority's services,
    # handles no request.
    DESIGNER = "designer", "concepteur de démarches"
    # Outside the ranking too: an elected official reads the briefings of their remit
    # (contracts.briefings), and sees no request nor person.
    ELECTED = "elected", "élu"


class AgentMembership(models.Model):
    """An agent works for an authority with a role, in some of its teams."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=16, choices=Role.choices)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")

    class Meta:
        verbose_name = "rattachement d'agent"
        verbose_name_plural = "rattachements d'agents"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "authority"], name="one_membership_per_authority"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.authority} ({self.get_role_display()})"


class OwnedService(models.Model):
    """A service an authority designed (from scratch, a model or an import): its designers
    and administrators edit, version and publish it in the back office's designer."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="owner")
    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="owned_services"
    )
    based_on = models.CharField("modèle ou document d'origine", max_length=80, blank=True)
    # The communes where the authority offers it, among those where it holds the competence
    # (competence.holding_communes); none: all of them (ADR 0035).
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name="communes où il est proposé"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "service conçu par une collectivité"
        verbose_name_plural = "services conçus par les collectivités"

    def __str__(self) -> str:
        return f"{self.service} ({self.authority})"


class CompetenceAssignment(models.Model):
    """A recorded exception to the default competence map.

    A transfer (waste collection moved from the communes to their EPCI) or a delegation
    (an operator acts for the authority). `communes` empty means every commune where
    `granting_authority` is competent by default.
    """

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "transfert de compétence"
        DELEGATION = "delegation", "délégation de service public"

    kind = models.CharField("nature", max_length=12, choices=Kind.choices)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="assignments")
    granting_authority = models.ForeignKey(
        Authority,
        on_delete=models.CASCADE,
        related_name="competences_granted",
        help_text="la collectivité compétente par défaut, qui transfère ou délègue",
    )
    receiving_authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="competences_received"
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="+")
    starts_on = models.DateField("à partir du", null=True, blank=True)
    ends_on = models.DateField("jusqu'au", null=True, blank=True)
    note = models.CharField("référence (délibération, contrat)", max_length=300, blank=True)

    class Meta:
        verbose_name = "transfert ou délégation de compétence"
        verbose_name_plural = "transferts et délégations de compétence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.service} → {self.receiving_authority}"


class SharedService(models.Model):
    """A published version of a designed service that its authority put in the platform's
    library for other authorities to reuse (issue 15, mutualisation): they take a copy of it
    as a draft of their own (`service_design.reuse_shared`)."""

    version = models.OneToOneField(
        ServiceVersion, on_delete=models.CASCADE, related_name="shared", verbose_name="version"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="shared_services",
        verbose_name="collectivité qui le partage",
    )  # fmt: skip
    shared_by = models.CharField("partagé par", max_length=200, blank=True)
    shared_at = models.DateTimeField("partagé le")

    class Meta:
        verbose_name = "service de la bibliothèque"
        verbose_name_plural = "services de la bibliothèque"
        ordering = ["-shared_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version.service} v{self.version.number} ({self.authority})"
