"""The parent link of a merged duplicate in the REST API and in Open311 (Chicago's extension)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from guichet.cases import actions
from guichet.core.journal import Actor

from .factories import auth, file_request


def merged_pair(world):
    parent, child = file_request(world), file_request(world)
    actions.merge_request(child=child, parent=parent, actor=Actor.agent(world.agent_sceaux))
    return parent, child


def test_request_documents_carry_the_parent_and_the_number_of_merged_requests(client, world):
    parent, child = merged_pair(world)
    other = file_request(world)
    headers = auth(world.sceaux_read_key)
    # when a client reads each request, then the list
    one = {r.reference: client.get(f"/api/v1/requests/{r.reference}", **headers).json()
           for r in (parent, child, other)}  # fmt: skip
    listed = {
        item["reference"]: item
        for item in client.get("/api/v1/requests", **headers).json()["items"]
    }
    # then the child names its parent, the parent counts its duplicates, alike in both
    for documents in (one, listed):
        assert documents[child.reference]["duplicate_of"] == parent.reference
        assert documents[child.reference]["duplicates"] == 0
        assert documents[parent.reference]["duplicate_of"] is None
        assert documents[parent.reference]["duplicates"] == 1
        assert documents[other.reference]["duplicates"] == 0


def test_the_list_reads_the_links_without_a_query_per_request(
    client, world, django_assert_max_num_queries
):
    headers = auth(world.sceaux_read_key)
    merged_pair(world)
    with django_assert_max_num_queries(40) as few:
        client.get("/api/v1/requests", **headers)
    for _ in range(5):
        merged_pair(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/requests", **headers).json()["items"]) == 12


def test_open311_marks_the_duplicate_and_its_parent_in_json_and_xml(client, world):
    parent, child = merged_pair(world)
    url = f"/open311/v2/requests/{child.reference}"
    [found] = json.loads(client.get(f"{url}.json?extensions=true").content)
    assert found["extended_attributes"]["duplicate"] is True
    assert found["extended_attributes"]["parent_service_request_id"] == parent.reference
    [parent_found] = json.loads(
        client.get(f"/open311/v2/requests/{parent.reference}.json?extensions=true").content
    )
    assert parent_found["extended_attributes"]["duplicate"] is False
    assert parent_found["extended_attributes"]["parent_service_request_id"] is None
    # the XML says the same, by the same structure
    root = ET.fromstring(client.get(f"{url}.xml?extensions=true").content)  # noqa: S314
    extended = root.find("request/extended_attributes")
    assert extended.findtext("duplicate") == "true"
    assert extended.findtext("parent_service_request_id") == parent.reference
    # and the child's status follows its parent's
    assert found["status"] == "open"
