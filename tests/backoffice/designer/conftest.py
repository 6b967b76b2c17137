"""The designer's world: the back office's (Sceaux, Issy, the demo catalogue) with a designer
of each town and a service Sceaux designed from a model of the library."""

import pytest

from guichet.authorities import service_design
from guichet.authorities.models import Role
from guichet.catalogue.selectors import service_by_slug
from guichet.core.journal import Actor

from ..conftest import agent, build_world


def designed_world():
    world = build_world()
    world.designer = agent("conceptrice", world.sceaux, Role.DESIGNER, first_name="Dana")
    world.admin = agent("admin-sceaux", world.sceaux, Role.ADMINISTRATOR)
    world.issy_designer = agent("concepteur-issy", world.issy, Role.DESIGNER)
    world.terrace = service_design.create_service(
        authority=world.sceaux, by=Actor.agent(world.designer),
        content={"name": "Demande de terrasse", "summary": "Occuper le trottoir"},
        model=service_by_slug("occupation-domaine-public"),
    ).service  # fmt: skip
    return world


@pytest.fixture
def dworld(db):
    return designed_world()
