"""Issue 15's « Done when », in a real browser: Sceaux's designer builds the terrace service
from scratch (eight fields with a condition, a repeatable block and an attachment; a
four-state workflow), previews it at mobile width and publishes it; a resident files it; a
second version adds a field; each request keeps the answers of its version; the service is
exported and imported by Issy as a draft."""

from __future__ import annotations

import json

import pytest
from browser_checks import audit, screenshot, signed_in_page

from guichet.authorities.models import OwnedService
from guichet.cases.models import Request
from guichet.catalogue.models import Service

from .conftest import designed_world

BASE = "/agents/concepteur/"
NAME = "Demande d'occupation du domaine public (terrasse)"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The repeatable block's own fields, built with the builder itself (its first field is the
# one a new block comes with, renamed; then a number).
MOBILIER = [
    ("short_text", "Type de mobilier", "type_mobilier", {}),
    ("number", "Quantité", "quantite", {"integer": True}),
]
# (type, label, technical name, other properties typed in the field's editor)
FIELDS = [
    ("choice", "Vous êtes", "demandeur",
     {"#propriete-choices": "particulier | Particulier\ncommerce | Commerce ou restaurant"}),
    ("siret", "Numéro SIRET de l'établissement", "siret", {"condition": ("demandeur", "commerce")}),
    ("short_text", "Adresse de la terrasse", "adresse", {}),
    ("date", "Date de début", "date_debut", {}),
    ("number", "Surface demandée", "surface", {"#propriete-unit": "m²"}),
    ("repeat", "Mobilier installé", "mobilier",
     {"#propriete-item_label": "Élément de mobilier",
      "#propriete-add_label": "Ajouter un élément de mobilier", "block": MOBILIER}),
    ("file", "Plan de la terrasse", "plan", {"kinds": ("pdf", "png")}),
    ("phone", "Téléphone", "telephone", {}),
]  # fmt: skip
STATES = {"received": "déposée", "in_progress": "en instruction", "resolved": "autorisée",
          "rejected": "refusée"}  # fmt: skip
KEPT = {("received", "in_progress"), ("in_progress", "resolved"), ("received", "rejected"),
        ("in_progress", "rejected")}  # fmt: skip


def tick(page, input_id, on=True):
    """Tick or untick a DSFR checkbox (or radio) by its label, as a person does."""
    if page.locator(f"#{input_id}").is_checked() != on:
        page.click(f'label[for="{input_id}"]')


def add_field(page, kind, label, name, props, *, existing=False):
    """Add a field on the builder (or open the `existing` first one) and fill its editor, as
    a designer does; a repeatable block's fields are then built in the block's own list."""
    if existing:
        page.locator("#liste-champs li[data-name]").first.locator("a", has_text="Modifier").click()
    else:
        page.select_option("#type-champ", kind)
        page.click("#ajouter-champ button[type=submit]")
    page.wait_for_selector("#form-champ")
    page.fill("#propriete-label", label)
    page.fill("#propriete-name", name)
    tick(page, "propriete-required", kind != "repeat")
    for selector, value in props.items():
        if selector == "condition":
            page.select_option("#condition-champ", value[0])
            page.fill("#condition-valeur", value[1])
        elif selector == "kinds":
            for kind_name in value:
                tick(page, f"propriete-allowed_types-{kind_name}")
        elif selector == "integer":
            tick(page, "propriete-integer_only")
        elif selector != "block":
            page.fill(selector, value)
    page.click("text=Enregistrer le champ")
    page.wait_for_selector(f'#liste-champs li[data-name="{name}"]')
    page.wait_for_selector("text=Champ enregistré.")
    if "block" in props:
        page.click("#champs-du-bloc")
        page.wait_for_selector("text=Champs du bloc répétable")
        for index, (inner_kind, inner_label, inner_name, inner_props) in enumerate(props["block"]):
            add_field(page, inner_kind, inner_label, inner_name, inner_props, existing=index == 0)
        inner = page.locator("#liste-champs li[data-name]").evaluate_all(
            "items => items.map(i => i.dataset.name)"
        )
        assert inner == [n for _, _, n, _ in props["block"]]
        page.click("text=Revenir aux champs du formulaire")
        page.wait_for_selector("text=Champs du formulaire")


def file_request(page, base, slug, *, horaires=None):
    """A resident files the terrace request on Sceaux's portal; returns (request, tracking url)."""
    page.goto(f"{base}/communes/92071/services/{slug}/demande/")
    siret = page.locator('.portal-field[data-field="siret"]')
    assert siret.is_hidden()
    radio = page.locator('input[name="demandeur"][value="commerce"]').get_attribute("id")
    tick(page, radio)
    siret.wait_for(state="visible")
    page.fill("#champ-siret", "73282932000074")
    page.fill("#champ-adresse", "12 rue Houdan")
    page.fill("#champ-date_debut", "2027-06-01")
    page.fill("#champ-surface", "12")
    block = page.locator('[data-repeat="mobilier"]')
    block.locator(".portal-repeat__add").click()
    item = block.locator(".portal-repeat__items .portal-repeat__item").last
    item.locator("input").nth(0).fill("Table")
    item.locator("input").nth(1).fill("4")
    page.set_input_files(
        "#champ-plan", files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.fill("#champ-telephone", "0612345678")
    if horaires is not None:
        page.fill("#champ-horaires", horaires)
    page.fill("#id_contact-first_name", "Jeanne")
    page.fill("#id_contact-last_name", "Martin")
    page.fill("#id_contact-email", "jeanne.martin@example.fr")
    page.click("text=Envoyer ma demande")
    page.wait_for_url("**/envoyee/")
    reference = page.locator("#reference").inner_text().strip()
    page.click("text=Suivre ma demande")
    page.wait_for_selector("#statut")
    return Request.objects.get(reference=reference), page.url


def publish(page, base, service, number, note):
    page.goto(f"{base}{BASE}{service.pk}/versions/")
    page.fill("#id_note", note)
    page.click(f"text=Publier la version {number}")
    page.wait_for_selector(f"text=Version {number} publiée.")


@pytest.mark.browser
def test_sceaux_designs_the_terrace_service_and_issy_imports_it(
    live_server, new_page, transactional_db, tmp_path
):
    world = designed_world()
    base = live_server.url
    page = new_page()
    page.set_default_timeout(60_000)  # a loaded test machine; nothing here waits on purpose
    signed_in_page(page, base, world.designer)

    # when Sceaux's designer creates the service from scratch
    page.goto(base + BASE)
    page.click("text=Créer un service")
    page.fill("#id_name", NAME)
    page.click("text=Créer le brouillon")
    page.wait_for_selector("text=créé (brouillon)")
    service = Service.objects.get(name=NAME)

    # and builds its eight fields on the builder
    page.goto(f"{base}{BASE}{service.pk}/formulaire/")
    for kind, label, name, props in FIELDS:
        add_field(page, kind, label, name, props)
    names = page.locator("#liste-champs li[data-name]").evaluate_all(
        "items => items.map(i => i.dataset.name)"
    )
    assert names == [name for _, _, name, _ in FIELDS]
    assert (
        "affiché si « demandeur » vaut « commerce »"
        in page.locator('li[data-name="siret"]').inner_text()
    )
    audit(page)

    # and previews it at mobile width: the portal's renderer, 375 px wide
    page.click("text=Mobile (375 px)")
    page.wait_for_function("() => document.getElementById('apercu').clientWidth === 375")
    preview = page.frame_locator("#apercu")
    preview.locator('[data-repeat="mobilier"]').wait_for()
    assert preview.locator("#champ-plan").count() == 1
    screenshot(page, "terrasse-1-builder-mobile-preview")

    # and draws a four-state workflow on the workflow designer
    page.goto(f"{base}{BASE}{service.pk}/circuit/")
    for name, label in STATES.items():
        page.fill(f'#etats tr[data-state="{name}"] input[id$="-label"]', label)
    for row in page.locator("#etats tbody tr[data-state]").all():
        if row.get_attribute("data-state") not in {"", *STATES}:
            tick(page, row.locator('input[id$="-remove"]').get_attribute("id"))
    rows = page.locator("#transitions tbody tr").count()
    for i in range(rows):
        source, target = page.input_value(f"#t{i}-source"), page.input_value(f"#t{i}-target")
        if source and (source, target) not in KEPT:
            tick(page, f"t{i}-remove")
    page.click("text=Enregistrer le circuit")
    page.wait_for_selector("text=Circuit enregistré.")
    draft = service.versions.get(status="draft")
    assert [s["name"] for s in draft.workflow_definition["states"]] == list(STATES)
    assert len(draft.workflow_definition["transitions"]) == 4
    audit(page)
    screenshot(page, "terrasse-2-workflow")

    # and publishes version 1
    publish(page, base, service, 1, "Terrasses de l'été")
    service.refresh_from_db()
    assert service.is_active and service.current_version.number == 1

    # when a resident files it on the portal
    resident = new_page()
    first, first_tracking = file_request(resident, base, service.slug)
    assert first.service_version.number == 1 and first.attachments.count() == 1
    assert first.form_data["siret"] == "73282932000074", first.form_data
    assert first.form_data["mobilier"] == [{"type_mobilier": "Table", "quantite": 4}]
    screenshot(resident, "terrasse-3-resident-tracking-v1")

    # when the designer adds a field and publishes version 2
    page.goto(f"{base}{BASE}{service.pk}/formulaire/")
    page.click("text=Modifier (ouvrir un brouillon)")
    page.wait_for_selector("#ajouter-champ")
    add_field(page, "short_text", "Horaires d'ouverture de la terrasse", "horaires", {})
    publish(page, base, service, 2, "Les horaires sont demandés")
    # (the request filed on version 1 is offered to move onto version 2: not moved here)
    assert page.locator("#demandes-en-cours").is_visible()
    audit(page)
    screenshot(page, "terrasse-4-versions")

    # and a resident files it again
    second, second_tracking = file_request(resident, base, service.slug, horaires="12 h – 23 h")
    assert second.service_version.number == 2

    # then Sceaux's handler reads each request with its version's fields
    agent = new_page()
    signed_in_page(agent, base, world.handler)
    for case, has_hours in ((first, False), (second, True)):
        agent.goto(f"{base}/agents/demandes/{case.pk}/")
        agent.wait_for_selector("text=Réponses au formulaire")
        answers = agent.locator("dl").filter(has_text="Plan de la terrasse").inner_text()
        assert "Surface demandée" in answers and "plan.pdf" in answers and "Table" in answers
        assert ("Horaires d'ouverture de la terrasse" in answers) is has_hours
        screenshot(agent, f"terrasse-5-agent-v{case.service_version.number}")
    # and so does the resident's tracking page
    for url, has_hours in ((first_tracking, False), (second_tracking, True)):
        resident.goto(url)
        assert ("Horaires d'ouverture de la terrasse" in resident.content()) is has_hours

    # when the designer moves the request filed on version 1 onto version 2's workflow
    page.goto(f"{base}{BASE}{service.pk}/versions/")
    row = page.locator('#demandes-en-cours [data-key="1:received"]')
    assert row.locator("label").inner_text().startswith("1 demande « déposée » (version 1)")
    row.locator("select").select_option("in_progress")
    page.click("text=Faire passer ces demandes sur la version 2")
    page.wait_for_selector("text=1 demande en cours est passée sur la version 2.")
    assert page.locator("#demandes-en-cours").count() == 0
    first.refresh_from_db()
    assert (first.service_version.number, first.state) == (2, "in_progress")
    # then it still reads with version 1's form
    agent.goto(f"{base}/agents/demandes/{first.pk}/")
    answers = agent.locator("dl").filter(has_text="Plan de la terrasse").inner_text()
    assert "Surface demandée" in answers
    assert "Horaires d'ouverture de la terrasse" not in answers

    # when the designer exports version 2 and Issy's designer imports it
    page.goto(f"{base}{BASE}{service.pk}/versions/")
    with page.expect_download() as download:
        page.click('#journal-publications tr[data-version="2"] a:has-text("Exporter")')
    document = tmp_path / "terrasse.json"
    download.value.save_as(document)
    assert json.loads(document.read_text())
    issy = new_page()
    signed_in_page(issy, base, world.issy_designer)
    issy.goto(f"{base}{BASE}importer/")
    issy.set_input_files('input[type="file"]', str(document))
    issy.click("text=Importer comme brouillon")
    issy.wait_for_load_state()
    # then Issy owns a draft of it, with the same fields and workflow
    owned = OwnedService.objects.select_related("service").get(authority=world.issy)
    imported = owned.service.versions.get(status="draft")
    assert owned.service.current_version is None
    assert [f["name"] for f in imported.form_definition] == [*names, "horaires"]
    assert [s["name"] for s in imported.workflow_definition["states"]] == list(STATES)
    audit(issy)
    screenshot(issy, "terrasse-6-imported-at-issy")
