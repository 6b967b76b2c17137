"""One request's or one person's path across channels, in time order."""

from __future__ import annotations

from .tables import csv_rows, html_tables, same_cells

JOURNEY = "/agents/parcours/"


def test_a_requests_journey_lists_its_events_in_order_with_channels_and_gaps(world, client):
    # given the slow request: filed on the web, two calls, a question, Alice's answer
    client.force_login(world.manager)
    # when the manager opens its journey by reference
    response = client.get(JOURNEY, {"reference": world.slow.reference})
    # then the steps come in time order, with their channel and the time since the last one
    assert response.status_code == 200
    rows = html_tables(response.content)["parcours"]
    steps = [row[2] for row in rows[1:]]
    assert steps[0] == "Demande reçue" and steps[1:3] == ["Relance de l'usager"] * 2
    assert steps[-1] == "État : traitée"
    assert [row[3] for row in rows[1:4]] == ["portail web", "téléphone", "téléphone"]
    assert rows[2][5] == "+ 8 j 0 h" and rows[3][5] == "+ 4 j 0 h"
    # and the CSV download gives the same rows
    downloaded = client.get(JOURNEY, {"reference": world.slow.reference, "format": "csv"})
    assert same_cells(csv_rows(downloaded.content)) == same_cells(rows)


def test_a_persons_journey_spans_their_requests_of_the_agents_authorities_only(world, client):
    # given Bob, with an open request at Sceaux and one at Issy
    client.force_login(world.manager)
    # when Sceaux's manager opens Bob's journey
    response = client.get(JOURNEY, {"usager": world.bob.pk})
    # then only the Sceaux request is shown, and the other is only counted
    rows = html_tables(response.content)["parcours"]
    assert {row[1] for row in rows[1:]} == {world.open.reference}
    assert "1 autre demande auprès d'autres collectivités" in response.content.decode()


def test_a_request_of_another_authority_has_no_journey_for_the_agent(world, client):
    # given Sceaux's front-desk agent, who may see Sceaux's requests
    client.force_login(world.front)
    # when they ask for Issy's request, then it is not found; their own town's is shown
    assert client.get(JOURNEY, {"reference": world.issy_request.reference}).status_code == 404
    assert client.get(JOURNEY, {"reference": world.quick.reference}).status_code == 200
