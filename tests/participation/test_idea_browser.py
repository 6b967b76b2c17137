"""A resident finds a consultation at her address, proposes an idea, two others support it and
propose a merge that the authors accept; everyone involved is told (the notification outbox).
In a real browser: axe-core clean, no console error, at 375 px too."""

from __future__ import annotations

import pytest
from browser_checks import audit, screenshot
from django.conf import settings

from guichet.notifications.models import Notification
from guichet.participation.actions import ideas as act
from guichet.participation.models.ideas import Idea, Merge

from .consultation_world import small_world


def as_person(new_page, base_url, person, **options):
    """A browser page signed in on the portal as `person` (the session the sign-in link opens)."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["person_id"] = person.pk
    store.save()
    page = new_page(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base_url,
                               "value": store.session_key}])  # fmt: skip
    return page


@pytest.mark.browser
def test_find_propose_support_merge_accept_and_everyone_is_told(
    live_server, new_page, transactional_db
):
    w = small_world()
    claire, david, emma, _ = w.people
    base = live_server.url
    # given David already proposed a close idea
    tables = act.propose_idea(consultation=w.consultation, person=david, title="Des tables au parc",
                              text="Pour pique-niquer.", category="Nature")  # fmt: skip

    # when Claire, on her phone, finds the consultation at her address
    phone = as_person(new_page, base, claire, viewport={"width": 375, "height": 800})
    phone.goto(base + "/participer/")
    phone.fill("#adresse", "92330 Sceaux")
    phone.click("form[role=search] button[type=submit]")
    phone.wait_for_selector("#consultations-carte[data-loaded='1'].leaflet-container")
    audit(phone)
    phone.click(f"text={w.consultation.title}")
    assert "Contributions" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    audit(phone)
    # and proposes an idea
    phone.get_by_role("link", name="Proposer une idée", exact=True).click()
    phone.wait_for_selector("#lieu-carte.leaflet-container")
    audit(phone)
    phone.fill("#title", "Des bancs à l'ombre")
    phone.fill("#text", "Au jardin de la Ménagerie, près des aires de jeux.")
    phone.click("button:has-text('Publier mon idée')")
    phone.wait_for_selector("h1:has-text('Des bancs à l')")
    assert "Merci ! Votre idée est publiée." in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    audit(phone)
    screenshot(phone, "participation-idea-375")
    bancs = Idea.objects.get(title="Des bancs à l'ombre")

    # when David and Emma support it
    for person in (david, emma):
        page = as_person(new_page, base, person)
        page.goto(f"{base}/participer/idee/{bancs.pk}/")
        page.click("button:has-text('Soutenir cette idée')")
        page.wait_for_selector("button:has-text('Retirer mon soutien')")
    bancs.refresh_from_db()
    assert bancs.supports_count == 2

    # and Emma proposes to merge it with David's
    page.goto(f"{base}/participer/c/{w.consultation.pk}/fusionner/")
    page.click(f"label[for=idee-{bancs.pk}]")
    page.click(f"label[for=idee-{tables.pk}]")
    page.fill("#title", "Un coin pique-nique ombragé")
    page.fill("#text", "Des bancs et des tables à l'ombre.")
    audit(page)
    page.click("button:has-text('Proposer la fusion')")
    page.wait_for_selector("text=Proposition de fusion")
    merge = Merge.objects.get()
    assert merge.state == Merge.State.PENDING

    # when both authors accept on the merged idea's page
    for author_page in (phone, as_person(new_page, base, david)):
        author_page.goto(f"{base}/participer/idee/{merge.result_id}/")
        author_page.click("button:has-text('J\\'accepte la fusion de mon idée')")
        author_page.wait_for_selector("text=Votre réponse est enregistrée.")
    merge.refresh_from_db()
    assert merge.state == Merge.State.DONE
    # then the genealogy shows on the old idea, and the supporters are asked on the new one
    page.goto(f"{base}/participer/idee/{bancs.pk}/")
    assert "Est devenue : Un coin pique-nique ombragé" in page.inner_text("main")
    page.goto(f"{base}/participer/idee/{merge.result_id}/")
    page.click("button:has-text('Oui, reporter mon soutien')")
    page.wait_for_selector("text=Votre réponse est enregistrée.")
    assert "Vient de :" in page.inner_text("main")
    audit(page)
    # and everyone involved was told through the outbox
    told = {n.person_id for n in Notification.objects.all()}
    assert {claire.pk, david.pk, emma.pk} <= told
