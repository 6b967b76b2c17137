import pytest
from django.urls import reverse

from guichet.authorities import actions, events
from guichet.authorities.models import Authority, CompetenceAssignment
from guichet.core.models import Event

from .conftest import SYSTEM


@pytest.mark.parametrize(
    "name",
    [
        "admin:authorities_authority_changelist",
        "admin:authorities_authority_add",
        "admin:authorities_agentmembership_changelist",
        "admin:authorities_agentmembership_add",
        "admin:authorities_competenceassignment_changelist",
        "admin:authorities_competenceassignment_add",
        "admin:authorities_competence_map",
    ],
)
def test_admin_pages_load(admin_client, authorities, name):
    # given authorities on the platform
    # when opening the page
    response = admin_client.get(reverse(name))
    # then it loads
    assert response.status_code == 200


def test_admin_change_pages_load(admin_client, authorities, services):
    # given an authority with its team and a delegation
    delegation = actions.record_delegation(
        actor=SYSTEM,
        service=services.waste,
        granting_authority=authorities.agglo,
        receiving_authority=authorities.operator,
    )
    # when opening their change pages
    pages = [
        reverse("admin:authorities_authority_change", args=[authorities.amboise.pk]),
        reverse("admin:authorities_competenceassignment_change", args=[delegation.pk]),
    ]
    # then they load, with the default team shown inline
    responses = [admin_client.get(page) for page in pages]
    assert [r.status_code for r in responses] == [200, 200]
    assert "Accueil et orientation" in responses[0].content.decode()


def test_the_competence_map_shows_who_handles_each_service_at_a_commune(
    admin_client, authorities, land, services
):
    # given Amboise on the platform
    # when showing the competence map for its INSEE code
    response = admin_client.get(reverse("admin:authorities_competence_map"), {"commune": "98001"})
    # then one row per published service with the competent authority
    page = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
    for name in ["Ville d&#x27;Amboise", "Agglo du Val", "Département du Val de Test"]:
        assert name in page


def test_the_competence_map_lists_homonyms_to_choose_from(admin_client, land, services):
    # given Bléré and its commune déléguée sharing one INSEE code
    # when searching that code
    response = admin_client.get(reverse("admin:authorities_competence_map"), {"commune": "98002"})
    # then the current commune is shown first
    assert response.context["commune"] == land.blere


def test_adding_an_authority_in_the_admin_goes_through_the_action(admin_client, land):
    # given the département on the territory
    # when an administrator adds it in the admin
    response = admin_client.post(
        reverse("admin:authorities_authority_add"),
        {
            "slug": "val",
            "name": "Département du Val",
            "kind": "departement",
            "departement": land.val.pk,
            "brand_color": "#000091",
            "is_active": "on",
        },
    )
    # then it is created with its default team and one event
    assert response.status_code == 302, response.content.decode()[:2000]
    authority = Authority.objects.get(slug="val")
    assert authority.teams.get().is_default
    assert Event.objects.filter(kind=events.AUTHORITY_CREATED, authority_id=authority.pk).exists()


def test_the_admin_refuses_an_invalid_transfer_in_french(admin_client, authorities, services):
    # given Amboise and Bléré, two communes
    # when an administrator records a transfer from one to the other
    response = admin_client.post(
        reverse("admin:authorities_competenceassignment_add"),
        {
            "kind": "transfer",
            "service": services.civil_status.pk,
            "granting_authority": authorities.amboise.pk,
            "receiving_authority": authorities.blere.pk,
        },
    )
    # then the form shows the refusal and nothing is recorded
    assert response.status_code == 200
    assert "n&#x27;est pas d&#x27;un niveau supérieur" in response.content.decode()
    assert not CompetenceAssignment.objects.exists()


def test_the_admin_records_a_delegation_through_the_action(
    admin_client, authorities, services, land
):
    # given the CA and an operator
    # when an administrator records a delegation for Amboise
    response = admin_client.post(
        reverse("admin:authorities_competenceassignment_add"),
        {
            "kind": "delegation",
            "service": services.waste.pk,
            "granting_authority": authorities.agglo.pk,
            "receiving_authority": authorities.operator.pk,
            "communes": str(land.amboise.pk),
            "note": "contrat",
        },
    )
    # then it is recorded with its commune, and journaled
    assert response.status_code == 302
    delegation = CompetenceAssignment.objects.get()
    assert list(delegation.communes.all()) == [land.amboise]
    assert Event.objects.filter(kind=events.COMPETENCE_DELEGATED).count() == 1


def test_the_admin_action_ends_assignments(admin_client, authorities, services):
    # given a delegation
    delegation = actions.record_delegation(
        actor=SYSTEM,
        service=services.waste,
        granting_authority=authorities.agglo,
        receiving_authority=authorities.operator,
    )
    # when ending it from the changelist
    admin_client.post(
        reverse("admin:authorities_competenceassignment_changelist"),
        {"action": "end_today", "_selected_action": [delegation.pk]},
    )
    # then it has an end date
    delegation.refresh_from_db()
    assert delegation.ends_on is not None
