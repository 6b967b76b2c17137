"""Agendas: places with desks and opening hours, appointment types, closures, appointments.

A booked appointment holds one `SlotClaim` row per grid unit (GRID_MINUTES) it covers on its
desk, under a unique (desk, start) constraint: two overlapping bookings on one desk would need
the same row twice, which the database refuses on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from guichet.authorities.models import Authority
from guichet.cases.models import Request
from guichet.catalogue.models import Service
from guichet.people.models import Person
from guichet.territory.models import Commune

# Every appointment starts on this grid and lasts a whole number of units (Europe/Paris offsets
# are whole hours, so the grid is the same in UTC and local time).
GRID_MINUTES = 5


class Place(models.Model):
    """Where people are received: a town hall's front desk, a service's counter."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="places")
    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_minutes = models.PositiveIntegerField(
        "délai de prévenance (minutes)", default=120,
        help_text="pas de rendez-vous pris moins longtemps à l'avance",
    )  # fmt: skip
    horizon_days = models.PositiveIntegerField(
        "horizon de réservation (jours)", default=60, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField("ouvert à la réservation", default=True)

    class Meta:
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        ordering = ["authority__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def departement_code(self) -> str | None:
        """The département whose public holidays close this place (None: national ones)."""
        commune = self.commune or self.authority.commune
        if commune is not None and commune.departement_id:
            return commune.departement.code
        return None


class Desk(models.Model):
    """One agent's counter at a place: it receives one person at a time."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="desks")
    name = models.CharField("nom", max_length=100)
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "guichet"
        ordering = ["place", "name"]

    def __str__(self) -> str:
        return f"{self.name} — {self.place.name}"


class AppointmentType(models.Model):
    """What the appointment is for, and how long it takes."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="types")
    name = models.CharField("motif", max_length=200)
    slug = models.SlugField()
    duration_minutes = models.PositiveIntegerField(
        "durée (minutes)",
        validators=[MinValueValidator(GRID_MINUTES), MaxValueValidator(8 * 60)],
        help_text=f"un multiple de {GRID_MINUTES} minutes",
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField("proposé", default=True)

    class Meta:
        verbose_name = "type de rendez-vous"
        verbose_name_plural = "types de rendez-vous"
        ordering = ["place", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "slug"], name="appointment_type_slug"),
            models.CheckConstraint(
                name="appointment_duration_range",
                condition=models.Q(duration_minutes__gt=0) & models.Q(duration_minutes__lte=8 * 60),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"

    def clean(self) -> None:
        if self.duration_minutes and self.duration_minutes % GRID_MINUTES:
            raise ValidationError(
                {"duration_minutes": f"La durée doit être un multiple de {GRID_MINUTES} minutes."}
            )


class OpeningHours(models.Model):
    """One opening range on a weekday (a day may have several: morning, afternoon)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "lundi"
        TUESDAY = 1, "mardi"
        WEDNESDAY = 2, "mercredi"
        THURSDAY = 3, "jeudi"
        FRIDAY = 4, "vendredi"
        SATURDAY = 5, "samedi"
        SUNDAY = 6, "dimanche"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    start = models.TimeField("de")
    end = models.TimeField("à")

    class Meta:
        verbose_name = "plage d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        ordering = ["place", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                name="opening_starts_before_end", condition=models.Q(start__lt=models.F("end"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Closure(models.Model):
    """An exception: the whole place (desk empty) or one desk closed from start to end."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="closures")
    desk = models.ForeignKey(
        Desk, null=True, blank=True, on_delete=models.CASCADE, related_name="closures",
        help_text="vide : tout le lieu est fermé",
    )  # fmt: skip
    start = models.DateTimeField("du")
    end = models.DateTimeField("au")
    reason = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        verbose_name = "fermeture"
        ordering = ["place", "start"]
        constraints = [
            models.CheckConstraint(
                name="closure_starts_before_end", condition=models.Q(start__lt=models.F("end"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.place.name} fermé ({self.reason or 'fermeture'})"

    def clean(self) -> None:
        if self.desk_id and self.place_id and self.desk.place_id != self.place_id:
            raise ValidationError({"desk": "Ce guichet n'appartient pas à ce lieu d'accueil."})


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "réservé"
        CANCELLED = "cancelled", "annulé"
        DONE = "done", "honoré"
        NO_SHOW = "no_show", "absent"

    class Channel(models.TextChoices):
        WEB = "web", "en ligne"
        COUNTER = "counter", "à l'accueil"
        PHONE = "phone", "par téléphone"

    reference = models.CharField("référence", max_length=20, unique=True)
    # The person's manage link: whoever holds it may cancel or move the appointment.
    secret = models.CharField(max_length=64, unique=True)
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField("début", db_index=True)
    end = models.DateTimeField("fin")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.BOOKED)
    channel = models.CharField("pris", max_length=8, choices=Channel.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="pris par",
    )  # fmt: skip
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    # iCalendar SEQUENCE: raised on every change so calendars replace their copy.
    sequence = models.PositiveIntegerField(default=0)
    reminder_queued_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.type.name}"


class SlotClaim(models.Model):
    """One grid unit of one desk held by a booked appointment (the double-booking guard)."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="claims")

    class Meta:
        verbose_name = "créneau occupé"
        constraints = [models.UniqueConstraint(fields=["desk", "start"], name="one_claim_per_slot")]

    def __str__(self) -> str:
        return f"{self.desk_id}@{self.start:%Y-%m-%d %H:%M}"
