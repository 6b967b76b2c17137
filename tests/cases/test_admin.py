"""The platform admin for requests, routing rules, messages and attachments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.models import RoutingRule
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import file_request, pdf, service


@pytest.fixture
def filled(world):
    """A request with a message, a note, an attachment and a routing rule."""
    request = file_request(world, "question-generale")
    actions.send_message(
        request=request, actor=Actor.agent(world.agent_sceaux), body="Bonjour.", files=[pdf()]
    )
    actions.add_note(request=request, actor=Actor.agent(world.agent_sceaux), body="Vu.")
    rule = RoutingRule.objects.create(
        authority=world.sceaux, position=1, team=world.sceaux_voirie,
        service=service("signalement-voirie"),
    )  # fmt: skip
    return request, rule


@pytest.mark.parametrize(
    "name",
    [
        "admin:cases_request_changelist",
        "admin:cases_routingrule_changelist",
        "admin:cases_routingrule_add",
        "admin:cases_message_changelist",
        "admin:cases_attachment_changelist",
    ],
)
def test_admin_list_pages_load(admin_client, filled, name):
    # given requests, messages, attachments and a rule
    # when a platform administrator opens the page
    response = admin_client.get(reverse(name))
    # then it loads
    assert response.status_code == 200


def test_admin_change_pages_load(admin_client, filled):
    # given a request with its messages, and a rule
    request, rule = filled
    message = request.messages.first()
    attachment = request.attachments.first()
    # when their pages are opened
    pages = [
        reverse("admin:cases_request_change", args=[request.pk]),
        reverse("admin:cases_routingrule_change", args=[rule.pk]),
        reverse("admin:cases_message_change", args=[message.pk]),
        reverse("admin:cases_attachment_change", args=[attachment.pk]),
    ]
    # then they load, and the request's page shows its history but not its tracking secret
    for page in pages:
        assert admin_client.get(page).status_code == 200
    content = admin_client.get(pages[0]).content.decode()
    assert "request.received" in content and "request.message_sent" in content
    assert request.tracking_secret not in content


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"channel": "web"}, True),
        ({"channel": "phone"}, False),
        ({"state": "received"}, True),
        ({"state": "closed"}, False),
        ({"authority__id__exact": "{sceaux}"}, True),
        ({"authority__id__exact": "{ept}"}, False),
        ({"service__id__exact": "{question}"}, True),
        ({"q": "{reference_typed}"}, True),
        ({"q": "ZZZZ-ZZZZ-ZZ"}, False),
    ],
)
def test_request_list_filters_and_search_by_reference(admin_client, world, filled, filters, found):
    # given a web request at Sceaux, in state "received"
    request, _ = filled
    values = {
        "sceaux": world.sceaux.pk,
        "ept": world.ept.pk,
        "question": service("question-generale").pk,
        "reference_typed": request.reference.lower().replace("-", " ").replace("0", "o"),
    }
    query = {key: str(value).format(**values) for key, value in filters.items()}
    # when the list is filtered or searched
    response = admin_client.get(reverse("admin:cases_request_changelist"), query)
    # then the request is listed exactly when it matches
    assert response.status_code == 200
    assert (request.reference in response.content.decode()) is found


def test_requests_cannot_be_added_changed_or_deleted_from_the_admin(admin_client, filled):
    request, _ = filled
    assert admin_client.get(reverse("admin:cases_request_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:cases_request_change", args=[request.pk]), {"state": "closed"}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.state == "received"


def test_routing_rules_are_listed_by_authority_and_position(admin_client, world, filled):
    # given rules created out of order
    _, first = filled
    RoutingRule.objects.create(authority=world.sceaux, position=0, team=world.sceaux_voirie)
    RoutingRule.objects.create(authority=world.ept, position=5, team=world.ept.teams.get())
    # when the list is opened
    response = admin_client.get(reverse("admin:cases_routingrule_changelist"))
    # then they come by authority name, then position
    listed = list(response.context["cl"].result_list)
    assert [(r.authority.name, r.position) for r in listed] == sorted(
        (r.authority.name, r.position) for r in listed
    )
    assert len(listed) == 3


def test_a_routing_rule_is_edited_and_journalled(admin_client, world, filled):
    # given a rule
    _, rule = filled
    before = Event.objects.filter(kind="cases.routing_rule_saved").count()
    # when an administrator moves it and points it at another team
    response = admin_client.post(
        reverse("admin:cases_routingrule_change", args=[rule.pk]),
        {
            "authority": world.sceaux.pk, "position": 7, "team": world.sceaux.teams.get(is_default=True).pk,
            "service": rule.service_id, "is_active": "on", "person_category": "",
            "field_name": "", "field_value": "",
        },
    )  # fmt: skip
    # then the rule is saved and the change is in the journal
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.position == 7
    assert Event.objects.filter(kind="cases.routing_rule_saved").count() == before + 1


def test_a_routing_rule_with_another_authoritys_team_is_refused(admin_client, world, filled):
    # given a rule of Sceaux
    _, rule = filled
    # when an administrator points it at a team of the EPT
    response = admin_client.post(
        reverse("admin:cases_routingrule_change", args=[rule.pk]),
        {"authority": world.sceaux.pk, "position": 1, "team": world.ept.teams.get().pk},
    )
    # then the form says why, in French, and nothing changes
    assert response.status_code == 200
    assert "Cette équipe appartient à une autre collectivité." in response.content.decode()
    rule.refresh_from_db()
    assert rule.team == world.sceaux_voirie
