"""The resolution of a parent reaches the person of each request merged into it once."""

from __future__ import annotations

from guichet.cases import actions
from guichet.core.journal import Actor
from guichet.notifications.models import Notification

from .factories import file_request, person


def test_the_parents_resolution_notifies_each_merged_person_once(world):
    # given Alice's pothole with Léa's and Marc's reports merged into it (Léa twice)
    agent = Actor.agent(world.agent_sceaux)
    parent = file_request(world)
    lea = person("Léa", "Petit", email="lea@exemple.fr")
    marc = person("Marc", "Roux", email="marc@exemple.fr")
    children = [file_request(world, person=p) for p in (lea, lea, marc)]
    for child in children:
        actions.merge_request(child=child, parent=parent, actor=agent)
    before = set(Notification.objects.values_list("pk", flat=True))
    # when the agent resolves the parent
    parent = actions.change_status(request=parent, to="in_progress", actor=agent, role="manager")
    actions.change_status(
        request=parent, to="resolved", actor=agent, role="manager", note="Trou rebouché."
    )
    # then the resolution goes once to Alice, once to Léa, once to Marc, all about the parent
    resolved = Notification.objects.exclude(pk__in=before).filter(message_kind="resolved")
    assert sorted(resolved.values_list("person_id", flat=True)) == sorted(
        [world.alice.pk, lea.pk, marc.pk]
    )
    assert set(resolved.values_list("request_id", flat=True)) == {parent.pk}
    # and nothing at all is sent about the merged requests themselves
    assert (
        not Notification.objects.exclude(pk__in=before)
        .filter(request_id__in=[c.pk for c in children])
        .exists()
    )
