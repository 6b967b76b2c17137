"""A consultation of Sceaux in its contributions phase, with verified residents (P1's tests)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from cases.factories import build_world, person

from guichet.core import clock
from guichet.core.journal import Actor
from guichet.participation.actions import consultations as act
from guichet.participation.models.consultations import Scope


def open_consultation(world, *, title="Sceaux 2030", premoderation=False, authority=None, **kw):
    actor = Actor.agent(world.manager_sceaux)
    consultation = act.save_consultation(
        actor=actor, authority=authority or world.sceaux, title=title,
        description="Imaginons ensemble la ville.", scope=kw.pop("scope", Scope.AUTHORITY),
        premoderation=premoderation, published=True, categories=["Mobilités", "Nature"], **kw,
    )  # fmt: skip
    now = clock.now()
    act.save_phases(actor=actor, consultation=consultation, rows=[
        {"kind": "information", "starts_at": now - timedelta(days=20),
         "ends_at": now - timedelta(days=10)},
        {"kind": "contributions", "starts_at": now - timedelta(days=10),
         "ends_at": now + timedelta(days=10)},
        {"kind": "vote", "starts_at": now + timedelta(days=10), "ends_at": now + timedelta(days=20)},
    ])  # fmt: skip
    return consultation


def build() -> SimpleNamespace:
    w = build_world()
    w.consultation = open_consultation(w)
    w.other = open_consultation(w, title="Tours demain", authority=w.tours)
    sceaux = w.sceaux_commune
    w.claire = person("Claire", "Auteur", email="claire@exemple.fr", commune=sceaux)
    w.david = person("David", "Soutien", email="david@exemple.fr", commune=sceaux)
    w.emma = person("Emma", "Soutien", email="emma@exemple.fr", commune=sceaux)
    w.tourangeau = person("Paul", "Tourangeau", email="paul@exemple.fr", commune=w.tours_commune)
    w.unverified = person("Zoé", "Déclarée", commune=sceaux)
    return w


def small_world() -> SimpleNamespace:
    """Sceaux alone (no territory import): for tests that build their world per test."""
    from cases.factories import SYSTEM, agent

    from guichet.authorities import actions as authorities
    from guichet.authorities.models import Role
    from guichet.territory.models import Commune, Departement, Postcode, Region

    region = Region.objects.create(code="11", name="Île-de-France")
    departement = Departement.objects.create(code="92", name="Hauts-de-Seine", region=region)
    sceaux = Commune.objects.create(code="92071", name="Sceaux", departement=departement,
                                    postcodes=["92330"], population=19_000)  # fmt: skip
    Postcode.objects.create(code="92330", commune_code="92071", commune_name="SCEAUX")
    w = SimpleNamespace(sceaux_commune=sceaux)
    w.sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Ville de Sceaux", slug="sceaux", commune=sceaux
    )
    w.manager_sceaux = agent("responsable.sceaux", w.sceaux, Role.MANAGER)
    w.consultation = open_consultation(w)
    w.people = [
        person(f"Habitant{i}", "Sceaux", email=f"h{i}@exemple.fr", commune=sceaux) for i in range(4)
    ]
    return w
