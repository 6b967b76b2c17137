"""At the counter, the receipt of a place-based request tells the agent of the open reports
of the same service nearby (issue 16); screen only, never on the printed receipt."""

from __future__ import annotations

from guichet.cases.actions import submit_request
from guichet.cases.models import Request
from guichet.catalogue.selectors import service_by_slug
from guichet.core.journal import Actor

from .test_intake import at_the_counter, request_url

POINT = {"lat": 48.7766, "lon": 2.2946}  # Sceaux
POTHOLE = {"nature": "nid_de_poule", "description": "Un trou profond."}


def test_the_counter_receipt_names_the_open_reports_nearby(world, signed_in):
    # given two open pothole reports at the same place in Sceaux, and roads looking 50 m around
    roads = service_by_slug("signalement-voirie")
    roads.nearby_radius_m = 50
    roads.save(update_fields=["nearby_radius_m"])
    earlier = [
        submit_request(
            service=roads,
            person=world.paul,
            channel="web",
            actor=Actor.person(world.paul),
            form_data=POTHOLE | {"emplacement": POINT},
            commune=world.sceaux_commune,
        )  # fmt: skip
        for _ in range(2)
    ]
    # when the front desk files the same pothole for Claire at the counter
    client = at_the_counter(signed_in(world.front))
    url = request_url(world.claire, service="signalement-voirie")
    response = client.post(
        url, POTHOLE | {"emplacement_lat": POINT["lat"], "emplacement_lon": POINT["lon"]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    receipt = client.get(response["Location"]).content.decode()
    # then the receipt's screen part says two open reports are nearby, with links
    assert "2 signalements proches ouverts" in receipt
    for case in earlier:
        assert f'/agents/demandes/{case.pk}/"' in receipt and case.reference in receipt
    new = Request.objects.exclude(pk__in=[c.pk for c in earlier]).get()
    assert receipt.count(new.reference) >= 1
    assert 'class="receipt-actions' in receipt.split("signalements proches ouverts")[0]


def test_no_notice_when_the_service_looks_nothing_up(world, signed_in):
    # given an open report at the point, but roads looking nothing up (radius 0)
    roads = service_by_slug("signalement-voirie")
    submit_request(
        service=roads, person=world.paul, channel="web", actor=Actor.person(world.paul),
        form_data=POTHOLE | {"emplacement": POINT}, commune=world.sceaux_commune,
    )  # fmt: skip
    client = at_the_counter(signed_in(world.front))
    response = client.post(
        request_url(world.claire, service="signalement-voirie"),
        POTHOLE | {"emplacement_lat": POINT["lat"], "emplacement_lon": POINT["lon"]},
    )
    assert response.status_code == 302
    assert "signalements proches" not in client.get(response["Location"]).content.decode()
