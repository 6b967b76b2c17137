"""« Je ne sais pas quel service choisir »: from the catalogue to a free-text form, filed
through the one filing path under the triage service, with a receipt like any request."""

from __future__ import annotations

from guichet.cases.models import Request
from guichet.catalogue.free_text import triage_service
from guichet.core.models import Event

from .conftest import counts, page_text

URL = "/demande-libre/"


def post(**changes) -> dict:
    data = {
        "description": "Le lampadaire devant chez moi ne s'allume plus depuis lundi.",
        "commune": "Sceaux",
        "adresse": "12 rue Houdan",
        "contact-first_name": "Jeanne",
        "contact-last_name": "Martin",
        "contact-email": "jeanne.martin@example.fr",
        "contact-phone": "",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def test_the_catalogue_leads_to_the_free_text_form_which_files_for_triage(client, world):
    # given the catalogue, which offers the entry
    catalogue = client.get("/services/")
    assert "Je ne sais pas quel service choisir" in page_text(catalogue)
    assert f'href="{URL}"' in catalogue.content.decode()
    form = client.get(URL)
    assert form.status_code == 200 and "Décrivez votre demande" in page_text(form)
    # when a visitor describes their need
    response = client.post(URL, post())
    # then the request is filed for Sceaux under the triage service, and the receipt follows
    assert response.status_code == 302, page_text(response)[:2000]
    reference = response["Location"].split("/")[2]
    filed = Request.objects.get(reference=reference)
    assert (filed.service.slug, filed.channel) == ("demande-a-qualifier", "web")
    assert filed.authority == world.ville and filed.commune == world.sceaux
    assert filed.form_data["adresse"] == "12 rue Houdan" and filed.address == "12 rue Houdan"
    assert Event.objects.filter(kind="request.received", case_id=filed.pk).count() == 1
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200 and reference in page_text(receipt)
    # and the tracking page reads the answers with their labels
    tracking = client.get(f"/suivi/{reference}?cle={filed.tracking_secret}", follow=True)
    assert "Description de la demande" in page_text(tracking)


def test_bad_input_is_refused_in_french_and_nothing_is_written(client, world):
    triage_service()  # created once, the first time free text arrives
    before = counts()
    cases = [
        (post(description=""), "Décrivez votre demande."),
        (post(commune="Zzzzville"), "Aucune commune ne correspond"),
        (post(**{"contact-email": ""}), "adresse électronique"),
        (post(description="x" * 2001), "2000"),
    ]
    for data, message in cases:
        response = client.post(URL, data)
        assert response.status_code == 400
        assert message.lower() in page_text(response).lower(), page_text(response)[:1500]
    # a commune no authority on the platform serves
    elsewhere = client.post(URL, post(commune="37261"))
    assert elsewhere.status_code == 400 and "Tours" in page_text(elsewhere)
    assert counts() == before
