"""The portal's renderer (catalogue/fields/field.html over `presentation.form_fields`) for pages,
sections, repeatable blocks, SIRET and units, and the reading of the answers (`answers`)."""

from __future__ import annotations

from html.parser import HTMLParser

from django.http import QueryDict
from django.template import engines

from guichet.catalogue.presentation import answers, form_fields
from guichet.catalogue.validation import FormValidationError, validate_submission

from .test_validate_structure import FORM

LOOP = engines["django"].from_string(
    '<form id="formulaire-demande">{% for field in fields %}'
    '{% include "catalogue/fields/field.html" %}{% endfor %}</form>'
)


class _Tree(HTMLParser):
    """Every element's tag, attributes and its enclosing elements; checks the nesting."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[tuple[str, dict, list[tuple[str, dict]]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes, list(self.stack)))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack[-3:])
        self.stack.pop()


def _render(definition, data=None, errors=None) -> tuple[str, _Tree]:
    html = LOOP.render({"fields": form_fields(definition, data, errors)})
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert not tree.stack, "unclosed elements"
    return html, tree


def _inside(tree: _Tree, tag: str, **attributes) -> list[list[tuple[str, dict]]]:
    return [
        parents
        for element, attrs, parents in tree.elements
        if element == tag and all(attrs.get(k) == v for k, v in attributes.items())
    ]


def test_each_page_is_a_fieldset_and_a_section_wraps_its_fields_until_the_next():
    html, tree = _render(FORM)
    pages = [
        attrs for tag, attrs, _ in tree.elements if "portal-page" in attrs.get("class", "").split()
    ]
    assert [(p["id"], p["data-step"], p["data-steps"]) for p in pages] == [
        ("champ-demandeur", "1", "2"), ("champ-foyer", "2", "2")
    ]  # fmt: skip
    assert all(tag == "fieldset" for tag, attrs, _ in tree.elements if attrs in pages)
    assert "Étape 1 sur 2" in html and "Étape 2 sur 2" in html
    # the SIRET sits in the business section, which sits in the first page
    (parents,) = _inside(tree, "input", name="siret")
    ids = [attrs.get("id") for _, attrs in parents]
    assert "champ-entreprise" in ids and "champ-demandeur" in ids and "champ-foyer" not in ids
    section = next(attrs for _, attrs in parents if attrs.get("id") == "champ-entreprise")
    assert section["data-show-if"] == '{"field": "statut", "values": ["entreprise"]}'
    (siret_input,) = [a for t, a, _ in tree.elements if t == "input" and a.get("name") == "siret"]
    assert siret_input["inputmode"] == "numeric"
    # the RNA is in the association's section, not in the business one
    (parents,) = _inside(tree, "input", name="rna")
    assert "champ-association" in [a.get("id") for _, a in parents]
    assert "champ-entreprise" not in [a.get("id") for _, a in parents]


def test_a_block_renders_its_first_blocks_and_an_empty_template_to_copy():
    html, tree = _render(FORM)
    # one block (the minimum), its inputs named <repeat>-<index>-<field>
    assert _inside(tree, "input", name="enfants-0-prenom")
    assert not _inside(tree, "input", name="enfants-1-prenom")
    assert 'Enfant <span class="portal-repeat__number">1</span>' in html
    # the template holds a block with placeholders the script replaces
    template = html.split('<template class="portal-repeat__template">')[1].split("</template>")[0]
    assert 'name="enfants-__INDEX__-prenom"' in template
    assert 'id="champ-enfants-__INDEX__-langues-1"' in template
    assert "__NUMBER__" in template
    # the buttons wait for the script (they do nothing without it)
    (add,) = [a for t, a, _ in tree.elements if "portal-repeat__add" in a.get("class", "")]
    assert "hidden" in add
    assert "Ajouter : Enfant" in html
    wrapper = next(a for t, a, _ in tree.elements if a.get("data-repeat") == "enfants")
    assert (wrapper["data-min"], wrapper["data-max"]) == ("1", "3")


def test_a_refused_submission_comes_back_with_its_blocks_and_each_mistake_in_its_block():
    data = QueryDict(mutable=True)
    data.update({"statut": "particulier", "enfants-0-prenom": "Léa",
                 "enfants-0-naissance": "2015-02-03", "enfants-4-prenom": "Tom",
                 "enfants-4-naissance": "", "enfants-4-cantine": "on"})  # fmt: skip
    data.setlist("enfants-0-langues", ["en"])
    try:
        validate_submission(FORM, data)
    except FormValidationError as refused:
        errors = refused.errors
    assert errors == {"enfants": ["Enfant 2, date de naissance : ce champ est obligatoire."]}
    html, tree = _render(FORM, data, errors)
    # two blocks, renumbered 0 and 1, as typed, and a spare empty one (for a page without
    # the script, which removes it)
    (first,) = [a for t, a, _ in tree.elements if a.get("name") == "enfants-0-prenom"]
    (second,) = [a for t, a, _ in tree.elements if a.get("name") == "enfants-1-prenom"]
    assert (first["value"], second["value"]) == ("Léa", "Tom")
    blocks = [a for t, a, _ in tree.elements if "portal-repeat__item" in a.get("class", "").split()]
    assert [(b["data-index"], "data-spare" in b) for b in blocks[:-1]] == [
        ("0", False),
        ("1", False),
        ("2", True),
    ]  # the last one is the template's
    (spare,) = [a for t, a, _ in tree.elements if a.get("name") == "enfants-2-prenom"]
    assert spare["value"] == ""
    (english,) = [a for t, a, _ in tree.elements if a.get("id") == "champ-enfants-0-langues-1"]
    assert "checked" in english
    (canteen,) = [a for t, a, _ in tree.elements if a.get("id") == "champ-enfants-1-cantine"]
    assert "checked" in canteen
    # the mistake is shown at the second block's date
    (date,) = [a for t, a, _ in tree.elements if a.get("name") == "enfants-1-naissance"]
    assert date["aria-invalid"] == "true"
    assert 'id="champ-enfants-1-naissance-erreur">Ce champ est obligatoire.' in html
    # and the error summary of a page finds it under the block's id, with its label
    views = form_fields(FORM, data, errors)
    assert [(v.id, v.label, v.errors) for v in views if v.errors] == [
        ("champ-enfants", "Vos enfants", errors["enfants"])
    ]


def test_a_number_shows_its_unit_and_a_form_without_pages_has_no_page():
    definition = [{"name": "surface", "label": "Surface", "type": "number", "unit": "m²"},
                  {"name": "fin", "label": "Précisions", "type": "section"},
                  {"name": "note", "label": "Note", "type": "long_text"}]  # fmt: skip
    html, tree = _render(definition)
    assert "En m²" in html
    assert "portal-page" not in html
    assert '<h2 class="fr-h4 fr-mt-3w fr-mb-1w">Précisions</h2>' in html


def test_answers_read_blocks_one_line_each_and_skip_sections_and_pages():
    cleaned = validate_submission(FORM, {
        "statut": "entreprise", "siret": "73282932000074", "raison": "Boulangerie",
        "enfants": [{"prenom": "Léa", "naissance": "2015-02-03", "langues": ["fr", "en"]},
                    {"prenom": "Tom", "naissance": "2018-06-01", "cantine": True}],
    })  # fmt: skip
    shown = answers(FORM, dict(cleaned), [])
    assert [(a.name, a.label) for a in shown] == [
        ("statut", "Vous êtes"), ("siret", "Numéro SIRET"), ("raison", "Raison sociale"),
        ("enfants", "Vos enfants"),
    ]  # fmt: skip
    assert shown[-1].text == (
        "Enfant 1 — Prénom : Léa ; Date de naissance : 03/02/2015 ; Langues : Français, "
        "Anglais ; Cantine : non\n"
        "Enfant 2 — Prénom : Tom ; Date de naissance : 01/06/2018 ; Cantine : oui"
    )
    number = [{"name": "surface", "label": "Surface", "type": "number", "unit": "m²"}]
    assert answers(number, {"surface": 12.5}, [])[0].text == "12,5 m²"
