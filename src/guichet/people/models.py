"""The citizen record: one platform-wide person, their identities, organisations and choices."""

from __future__ import annotations

from typing import Any

from django.db import models

from guichet.core import rows
from guichet.people.identifiers import fold, name_keys
from guichet.territory.models import Commune


class Category(models.TextChoices):
    RESIDENT = "resident", "habitant"
    TOURIST = "tourist", "touriste"
    BUSINESS = "business", "entreprise"
    ASSOCIATION = "association", "association"
    COMMUTER = "commuter", "travailleur non résident"
    OTHER = "other", "autre"


class DerivedCharField(models.CharField[str, str]):
    """A column its model derives from other columns whenever the row is written: the field's
    own `pre_save` (as `auto_now` does) stores the model's `derive_<name>()`, so `save()` and
    `core.rows.insert` write the same. `save(update_fields=...)` only writes it when listed."""

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, f"derive_{self.attname}")()
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs  # the same column


class Household(models.Model):
    name = models.CharField("nom du foyer", max_length=200)

    class Meta:
        verbose_name = "foyer"

    def __str__(self) -> str:
        return self.name


@rows.writable  # written by core.rows.insert on the hottest paths (ADR 0011)
class Person(models.Model):
    """One human being, across every channel and authority.

    A merged person keeps its row (with `merged_into` set) so that old references resolve.
    """

    first_name = models.CharField("prénom", max_length=120, blank=True)
    last_name = models.CharField("nom", max_length=120, blank=True)
    category = models.CharField(
        "catégorie", max_length=16, choices=Category.choices, default=Category.RESIDENT
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    # "first last" folded (no case, accents or punctuation): SQLite has no unaccent, and one
    # indexed column serves name search and duplicate detection on every database alike.
    search_name = DerivedCharField(max_length=241, blank=True, editable=False, db_index=True)
    # The first three folded letters of each name: a new record is compared with the persons
    # of its commune sharing one of them and the other name's initial (indexed both ways, so the
    # scan stays small in a big town).
    first_name_key = DerivedCharField(max_length=3, blank=True, editable=False)
    last_name_key = DerivedCharField(max_length=3, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the person's identifying data was erased (people.rights.erasure): the record
    # stays, pseudonymised, so that requests and statistics keep their person.
    erased_at = models.DateTimeField("données effacées le", null=True, blank=True)

    class Meta:
        verbose_name = "usager"
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name"),
            models.Index(
                fields=["commune", "first_name_key", "last_name_key"], name="person_first_name_key"
            ),
            models.Index(
                fields=["commune", "last_name_key", "first_name_key"], name="person_last_name_key"
            ),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or f"usager n° {self.pk}"

    # The columns derived from the names (`DerivedCharField`): list them beside a name in
    # `save(update_fields=...)`.
    NAME_DERIVED = ("search_name", "first_name_key", "last_name_key")

    def derive_search_name(self) -> str:
        return fold(f"{self.first_name} {self.last_name}")

    def derive_first_name_key(self) -> str:
        return name_keys(self.first_name, self.last_name)[0]

    def derive_last_name_key(self) -> str:
        return name_keys(self.first_name, self.last_name)[1]

    def fill_search_columns(self) -> None:
        """Derive the folded name and the name keys from the names now (writing the row
        does it too)."""
        self.search_name = self.derive_search_name()
        self.first_name_key, self.last_name_key = name_keys(self.first_name, self.last_name)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Verification(models.IntegerChoices):
    """How sure we are an identity belongs to the person, weakest first."""

    DECLARED = 0, "déclaré"
    EMAIL_VERIFIED = 10, "courriel vérifié"
    SMS_VERIFIED = 20, "SMS vérifié"
    COUNTER_CHECKED = 30, "vérifié au guichet"
    FRANCECONNECT = 40, "FranceConnect"


@rows.writable  # written by core.rows.insert on the hottest paths (ADR 0011)
class Identity(models.Model):
    """A way to reach or recognise a person: an e-mail, a phone number, an external account."""

    class Kind(models.TextChoices):
        EMAIL = "email", "courriel"
        PHONE = "phone", "téléphone"
        ACCOUNT = "account", "compte externe"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField("nature", max_length=8, choices=Kind.choices)
    value = models.CharField("valeur normalisée", max_length=254)
    provider = models.CharField(
        "fournisseur", max_length=40, blank=True, help_text="pour un compte externe"
    )
    verification = models.PositiveSmallIntegerField(
        choices=Verification.choices, default=Verification.DECLARED
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "identifiant"
        indexes = [models.Index(fields=["kind", "value"], name="identity_lookup")]
        constraints = [
            # A verified e-mail, phone or account proves one person: it cannot belong to two.
            models.UniqueConstraint(
                fields=["kind", "provider", "value"],
                condition=models.Q(verification__gt=0),
                name="verified_identity_unique",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "provider", "value"], name="identity_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    @property
    def is_verified(self) -> bool:
        return self.verification > Verification.DECLARED


class Organisation(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business", "entreprise"
        ASSOCIATION = "association", "association"
        PUBLIC = "public", "organisme public"

    kind = models.CharField("nature", max_length=12, choices=Kind.choices)
    name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("RNA", max_length=10, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members: models.ManyToManyField[Person, OrganisationRole] = models.ManyToManyField(
        Person, through="OrganisationRole", related_name="organisations"
    )

    class Meta:
        verbose_name = "organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="siret_unique"
            ),
            models.UniqueConstraint(fields=["rna"], condition=~models.Q(rna=""), name="rna_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationRole(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="organisation_roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("fonction", max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="org_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.organisation}"


class Consent(models.Model):
    """One consent decision (RGPD): the latest row per purpose is the one in force."""

    class Purpose(models.TextChoices):
        NOTIFICATIONS = "notifications", "être informé du suivi de mes demandes"
        BROADCAST = "broadcast", "recevoir les informations de ma collectivité"
        SURVEYS = "surveys", "répondre aux enquêtes de satisfaction"
        CONTACT = "contact", "être recontacté"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("finalité", max_length=16, choices=Purpose.choices)
    granted = models.BooleanField("accordé")
    source = models.CharField("recueilli via", max_length=40, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "consentement"
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} : {'oui' if self.granted else 'non'}"


class NotificationPreference(models.Model):
    """Whether a person wants a kind of message on a channel."""

    class MessageKind(models.TextChoices):
        RECEIPT = "receipt", "accusé de réception"
        STATUS = "status", "changement d'état"
        MESSAGE = "message", "message d'un agent"
        ACTION_NEEDED = "action_needed", "action attendue de ma part"
        HANDOFF = "handoff", "transfert à une autre collectivité"
        RESOLVED = "resolved", "demande traitée"
        APPOINTMENT = "appointment", "rappel de rendez-vous"
        BROADCAST = "broadcast", "information de la collectivité"

    class Channel(models.TextChoices):
        EMAIL = "email", "courriel"
        SMS = "sms", "SMS"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="preferences")
    message_kind = models.CharField(max_length=16, choices=MessageKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = "préférence de notification"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "message_kind", "channel"], name="one_preference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_kind}/{self.channel}: {self.enabled}"


@rows.writable  # written by core.rows.insert on the hottest paths (ADR 0011)
class DuplicateSuspicion(models.Model):
    """Two records that may be the same person, for an agent to confirm or dismiss."""

    class Status(models.TextChoices):
        OPEN = "open", "à examiner"
        MERGED = "merged", "fusionnés"
        DISMISSED = "dismissed", "personnes distinctes"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("motif", max_length=300)
    score = models.FloatField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "doublon présumé"
        verbose_name_plural = "doublons présumés"
        constraints = [
            models.UniqueConstraint(fields=["person", "candidate"], name="suspicion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ≈ {self.candidate}"


# The RGPD rights' own models (people/rights/): registered with this app.
from guichet.people.rights.models import AccessLog, DataExport  # noqa: E402, F401
