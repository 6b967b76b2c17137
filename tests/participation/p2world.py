"""A small world for the opinion map, petitions and moderation tests (P2): one département,
two communes with their population, their authorities, a manager, residents with verified
identities, and a consultation whose statement-voting phase is open."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from types import SimpleNamespace

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.participation.models.consultations import Consultation, Phase
from guichet.participation.phases import PhaseKind
from guichet.people import actions as people
from guichet.people.models import Verification
from guichet.territory.models import Commune, Departement, Region

SYSTEM = Actor.system("tests")
_numbers = count(1)


def resident(commune, *, level=Verification.COUNTER_CHECKED, name=None):
    n = next(_numbers)
    return people.create_person(
        actor=SYSTEM, first_name=name or f"Habitant{n}", last_name="Test",
        email=f"habitant{n}@exemple.fr", commune=commune, verification=level,
    )  # fmt: skip


def build() -> SimpleNamespace:
    region = Region.objects.create(code="11", name="Île-de-France")
    dept = Departement.objects.create(code="92", name="Hauts-de-Seine", region=region)
    w = SimpleNamespace()
    w.sceaux_commune = Commune.objects.create(
        code="92071", name="Sceaux", departement=dept, population=19_500
    )
    w.other_commune = Commune.objects.create(
        code="92002", name="Antony", departement=dept, population=62_000
    )
    w.sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Sceaux", slug="sceaux",
        commune=w.sceaux_commune,
    )  # fmt: skip
    w.antony = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville d'Antony", slug="antony",
        commune=w.other_commune,
    )  # fmt: skip
    w.manager = User.objects.create_user("moderateur.sceaux", "m@exemple.fr", "x")
    authorities.add_agent(actor=SYSTEM, user=w.manager, authority=w.sceaux, role=Role.MANAGER)
    w.alice = resident(w.sceaux_commune, name="Alice")
    w.bob = resident(w.sceaux_commune, level=Verification.EMAIL_VERIFIED, name="Bob")
    w.outsider = resident(w.other_commune, name="Oscar")
    w.unverified = resident(w.sceaux_commune, level=Verification.DECLARED, name="Ursule")
    now = clock.now()
    w.consultation = Consultation.objects.create(
        authority=w.sceaux, slug="avenir", title="L'avenir du centre-ville", published=True
    )
    Phase.objects.create(
        consultation=w.consultation, kind=PhaseKind.CONTRIBUTIONS,
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30),
    )  # fmt: skip
    return w
