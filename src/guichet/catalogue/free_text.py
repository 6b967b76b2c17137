"""The services under which requests arrive as free text, waiting for triage (ADR 0028).

Two unpublished services, never offered by the portal's catalogue: `courriel-a-qualifier` for
inbound e-mail (created by `channels.inbound_mail`), and `demande-a-qualifier` for every other
channel's free text (an SMS, a counter or phone note, an API or Open311 request without a
service code, the portal's « Je ne sais pas quel service choisir »). Both are created the first
time they are needed, so every authority of the platform has them.
"""

from __future__ import annotations

from django.db import transaction

from guichet.catalogue import actions
from guichet.catalogue.models import Category, Channel, Level, Service
from guichet.core.journal import Actor

EMAIL_SERVICE = "courriel-a-qualifier"
TRIAGE_SERVICE = "demande-a-qualifier"
FREE_TEXT_SERVICES = frozenset({EMAIL_SERVICE, TRIAGE_SERVICE})
TRIAGE_CATEGORY = "nous-contacter"
ACTOR = Actor.system("tri des demandes")
DESCRIPTION_MAX = 2000

FORM = [
    {"name": "description", "label": "Description de la demande", "type": "long_text",
     "required": True, "max_length": DESCRIPTION_MAX},
    {"name": "adresse", "label": "Adresse ou lieu concerné", "type": "short_text",
     "max_length": 300},
    {"name": "expediteur", "label": "Numéro ou adresse de l'expéditeur", "type": "short_text",
     "max_length": 254},
]  # fmt: skip


def is_free_text(service: Service) -> bool:
    return service.slug in FREE_TEXT_SERVICES


def triage_service() -> Service:
    """The unpublished service free text is filed under, created the first time it is needed."""
    service = Service.objects.filter(slug=TRIAGE_SERVICE).first()
    if service is not None:
        return service
    category = Category.objects.filter(slug=TRIAGE_CATEGORY).first() or Category.objects.first()
    if category is None:
        raise ValueError("Le catalogue des services n'est pas chargé.")
    with transaction.atomic():
        return actions.save_service(
            service=Service(slug=TRIAGE_SERVICE), actor=ACTOR, name="Demande à qualifier",
            kind=Service.Kind.INTERACTIVE, category=category, level=Level.COMMUNAL,
            summary="Une demande décrite librement, à orienter vers le bon service.",
            channels=[c for c in Channel.values if c not in (Channel.EMAIL, Channel.MAIL)],
            sla_working_days=5, is_active=False, form_definition=FORM,
        )  # fmt: skip
