"""The form builder's reorder in a real browser (ADR 0031, 0035): drag and drop by the
handle (SortableJS) and the keyboard's « Monter » / « Descendre », each saving the order;
axe-core clean, no console error, usable at 375 px."""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot, signed_in_page

from guichet.authorities import service_design
from guichet.core.journal import Actor

from .conftest import designed_world

BASE = "/agents/concepteur/"
FIELDS = [
    {"name": "nom", "label": "Nom", "type": "short_text", "required": True},
    {"name": "adresse", "label": "Adresse", "type": "short_text"},
    {"name": "surface", "label": "Surface", "type": "number"},
    {"name": "motif", "label": "Motif", "type": "long_text"},
]


def saved(service) -> list[str]:
    return [f["name"] for f in service.versions.get(status="draft").form_definition]


def shown(page) -> list[str]:
    return page.locator("#liste-champs li[data-name]").evaluate_all(
        "items => items.map(i => i.dataset.name)"
    )


def drag(page, name: str, before: str) -> None:
    """Drag field `name` by its handle onto the top of field `before` (HTML5 drag and drop,
    which SortableJS listens to)."""
    page.locator(f'li[data-name="{name}"] .designer-field__handle').drag_to(
        page.locator(f'li[data-name="{before}"]'), target_position={"x": 30, "y": 4}
    )


@pytest.mark.browser
def test_fields_are_reordered_by_mouse_and_by_keyboard(live_server, new_page, transactional_db):
    world = designed_world()
    service = service_design.create_service(
        authority=world.sceaux, by=Actor.agent(world.designer),
        content={"name": "Permis de végétaliser", "summary": "Végétaliser un pied d'arbre",
                 "kind": "transactional", "level": "communal", "category": "proprete-dechets",
                 "form_definition": FIELDS},
    ).service  # fmt: skip
    base = live_server.url
    page = new_page()
    page.set_default_timeout(60_000)  # a loaded test machine; nothing here waits on purpose
    signed_in_page(page, base, world.designer)
    page.goto(f"{base}{BASE}{service.pk}/formulaire/")
    assert shown(page) == ["nom", "adresse", "surface", "motif"]

    # when the designer drags « Motif » by its handle above « Adresse »
    with page.expect_navigation():
        drag(page, "motif", "adresse")
    page.wait_for_selector("text=Ordre enregistré.")
    # then the order is saved and shown
    assert saved(service) == ["nom", "motif", "adresse", "surface"]
    assert shown(page) == saved(service)

    # when, by keyboard only, they move « Surface » up: Tab to its « Monter », then Enter
    button = page.locator('li[data-name="surface"] button[value="up"]')
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("text=Champ monté.")
    assert saved(service) == ["nom", "motif", "surface", "adresse"]
    # then the focus stays on the moved field's button, to go on moving it
    focused = page.evaluate(
        "() => document.activeElement.closest('li[data-name]')?.dataset.name || ''"
    )
    assert focused == "surface"
    with page.expect_navigation():
        page.keyboard.press("Enter")  # « Monter » again, from where the focus stayed
    page.wait_for_selector("text=Champ monté.")
    assert saved(service) == ["nom", "surface", "motif", "adresse"]
    # and « Descendre » by keyboard on the last-but-one
    page.locator('li[data-name="motif"] button[value="down"]').focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("text=Champ descendu.")
    assert saved(service) == ["nom", "surface", "adresse", "motif"]
    assert shown(page) == saved(service)
    audit(page)
    screenshot(page, "designer-reorder-desktop")

    # at 375 px the list and its buttons fit the width, and a move still saves
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    overflow = page.evaluate(
        "() => document.getElementById('liste-champs').getBoundingClientRect().right"
    )
    assert overflow <= 375
    page.locator('li[data-name="motif"] button[value="up"]').click()
    page.wait_for_selector("text=Champ monté.")
    assert saved(service) == ["nom", "surface", "motif", "adresse"]
    audit(page)
    screenshot(page, "designer-reorder-375")
