"""Consultations, their phases, documents, rounds, and the residents' declarations.

A consultation belongs to an authority and is scoped to a territory: the whole authority, some
of its communes, or an area it drew (`territory.Area`). Phases carry the dates; what each
phase opens is `participation.phases`. Who may act is `participation.eligibility`.
"""

from __future__ import annotations

from django.db import models

from guichet.authorities.models import Authority
from guichet.participation.phases import PhaseKind
from guichet.people.models import Person
from guichet.territory.models import Area, Commune


class Scope(models.TextChoices):
    AUTHORITY = "authority", "tout le territoire de la collectivité"
    COMMUNES = "communes", "certaines communes"
    AREA = "area", "un secteur dessiné sur la carte"


class Level(models.IntegerChoices):
    """The identity level an action asks for (people.Verification values, weakest first)."""

    ANYONE = 0, "toute personne"
    CONTACT = 10, "courriel ou téléphone vérifié"
    IDENTITY = 30, "identité vérifiée (guichet ou FranceConnect)"


class Consultation(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="consultations")
    slug = models.SlugField("adresse courte", max_length=80)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    scope = models.CharField(
        "périmètre", max_length=10, choices=Scope.choices, default=Scope.AUTHORITY
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="+")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    premoderation = models.BooleanField(
        "modération a priori", default=False,
        help_text="les contributions n'apparaissent qu'une fois acceptées par un modérateur",
    )  # fmt: skip
    # {action: Level}; an action absent here asks for eligibility.DEFAULT_LEVELS[action].
    required_levels = models.JSONField("niveau d'identité exigé par action", default=dict)
    # Residents may declare they work in the scope (not only live there).
    workers_eligible = models.BooleanField("ouverte aussi à ceux qui y travaillent", default=True)
    categories = models.JSONField("catégories d'idées", default=list, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    published = models.BooleanField("publiée", default=False)

    class Meta:
        verbose_name = "consultation"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "slug"], name="consultation_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("étape", max_length=16, choices=PhaseKind.choices)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    description = models.CharField("ce qui s'y passe", max_length=300, blank=True)
    # Empty: the actions of phases.OPEN_ACTIONS for this kind; else exactly these.
    open_actions = models.JSONField("actions ouvertes", default=list, blank=True)

    class Meta:
        verbose_name = "étape de consultation"
        ordering = ["consultation", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="phase_dates_in_order"
            ),
            models.UniqueConstraint(fields=["consultation", "kind"], name="phase_kind_once"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Document(models.Model):
    """A document shown on the consultation page: a link, or an uploaded file."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField("titre", max_length=200)
    url = models.URLField("lien", blank=True)
    file = models.FileField("fichier", upload_to="participation/documents/", blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document de consultation"
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.title


class Declaration(models.Model):
    """A person's word that she lives or works at a place (eligibility beyond her address)."""

    class Relation(models.TextChoices):
        LIVES = "lives", "j'y habite"
        WORKS = "works", "j'y travaille"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField("lien", max_length=8, choices=Relation.choices)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    address = models.CharField("adresse", max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "déclaration de résidence ou de travail"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relation", "commune"], name="declaration_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} : {self.commune}"


class Round(models.Model):
    """An organiser's selection: the top `keep` ideas by group-aware consensus stay."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("tour")
    keep = models.PositiveSmallIntegerField("idées retenues")
    closed_at = models.DateTimeField("clos le")
    closed_by = models.CharField("clos par", max_length=150, blank=True)
    # [{"idea": id, "score": float, "kept": bool}], the ranking as computed at closing.
    ranking = models.JSONField(default=list)

    class Meta:
        verbose_name = "tour de sélection"
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="round_once"),
            models.CheckConstraint(condition=models.Q(keep__gt=0), name="round_keeps_some"),
        ]

    def __str__(self) -> str:
        return f"tour {self.number}"
