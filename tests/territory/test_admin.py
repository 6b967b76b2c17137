import pytest

from guichet.territory.models import Commune, Intercommunality

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["region", "departement", "intercommunality", "commune", "postcode"]
)
def test_territory_changelists_load_for_a_superuser(shipped_territory, admin_client, model):
    # when a superuser opens the list  # then it is served
    response = admin_client.get(f"/admin/territory/{model}/")
    assert response.status_code == 200


def test_commune_search_and_filters_in_the_admin(shipped_territory, admin_client):
    # when a superuser searches for "sceaux" among the current communes
    response = admin_client.get(
        "/admin/territory/commune/", {"q": "sceaux", "kind__exact": "commune-actuelle"}
    )
    # then Sceaux (92) and Sceaux-du-Gâtinais (45) are listed, and only them
    content = response.content.decode()
    assert response.status_code == 200
    assert "92071" in content
    assert "Sceaux-du-Gâtinais" in content
    assert "2 communes" in content


def test_a_commune_page_shows_its_boundary_read_only(shipped_territory, admin_client):
    # when the superuser opens Sceaux
    sceaux = Commune.objects.get(code="92071", kind="commune-actuelle")
    response = admin_client.get(f"/admin/territory/commune/{sceaux.pk}/change/")
    # then the outline summary is shown and nothing can be saved
    content = response.content.decode()
    assert response.status_code == 200
    assert "Polygon de" in content
    assert 'name="_save"' not in content


def test_an_intercommunality_page_lists_its_members(shipped_territory, admin_client):
    group = Intercommunality.objects.get(siren="244500211")
    response = admin_client.get(f"/admin/territory/intercommunality/{group.pk}/change/")
    assert response.status_code == 200
    assert "Gien" in response.content.decode()
