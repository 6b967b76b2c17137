"""At the counter or on the phone, « Je ne sais pas quel service »: the agent types the
person's own words, filed under the triage service, which orients it after commit."""

import pytest

from guichet.cases.models import Request
from guichet.core.models import Event

from .test_intake import at_the_counter, request_url

pytestmark = pytest.mark.django_db


def test_an_agent_files_a_free_description_for_the_triage(world, signed_in):
    # given the front desk with Claire on the phone
    client = at_the_counter(signed_in(world.front))
    page = client.get(request_url(world.claire, channel="phone", service="")).content.decode()
    assert "Je ne sais pas quel service" in page
    url = request_url(world.claire, channel="phone", service="demande-a-qualifier")
    form = client.get(url).content.decode()
    assert "Description de la demande" in form
    # when the agent types what she says
    response = client.post(
        url, {"description": "Le lampadaire devant chez moi ne s'allume plus.", "adresse": "3 rue"}
    )
    # then the request is filed under the triage service for Sceaux, on the phone channel
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Request.objects.get()
    assert case.service.slug == "demande-a-qualifier" and case.channel == "phone"
    assert case.authority == world.sceaux and case.filed_by == world.front
    assert case.form_data["description"].startswith("Le lampadaire")
    assert Event.objects.filter(kind="request.received", case_id=case.pk).count() == 1


def test_an_empty_description_is_a_french_error_and_files_nothing(world, signed_in):
    client = at_the_counter(signed_in(world.front))
    url = request_url(world.claire, channel="phone", service="demande-a-qualifier")
    response = client.post(url, {"description": "   "})
    assert response.status_code == 400
    assert not Request.objects.exists()
