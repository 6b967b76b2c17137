"""The portal's service page says who may ask (the page's « Public concerné », ADR 0031)."""

import html

from django.urls import reverse

from guichet.catalogue.versions import publish, save_draft
from guichet.core.journal import Actor


def test_the_portal_shows_who_may_ask(dworld, client):
    # given Sceaux's terrace service, for businesses and associations, published
    by = Actor.agent(dworld.designer)
    draft = dworld.terrace.versions.get()
    draft = save_draft(
        draft=draft, by=by, changes={"audience": ["associations", "businesses"]},
        revision=draft.revision,
    )  # fmt: skip
    publish(draft=draft, by=by, note="Ouverture")
    # when a resident opens its page on the portal
    page = html.unescape(
        client.get(reverse("portal:service", args=[dworld.terrace.slug])).content.decode()
    )
    # then it says who may ask, in the catalogue's order
    assert "Qui peut faire cette demande : entreprises, associations" in page


def test_a_service_for_everyone_names_the_three_publics(dworld, client):
    page = client.get(reverse("portal:service", args=[dworld.question.slug])).content.decode()
    assert "Qui peut faire cette demande : particuliers, entreprises, associations" in page
