"""Cursor pagination: every row once, even when rows are added while paging."""

from __future__ import annotations

from guichet.cases.models import Request

from .factories import auth, file_request


def test_paging_sees_every_request_once_despite_inserts(client, world):
    # given seven requests
    for _ in range(7):
        file_request(world)
    existing = set(
        Request.objects.filter(authority=world.sceaux).values_list("reference", flat=True)
    )
    # when a client pages by three while new requests keep arriving
    seen, cursor, added = [], None, set()
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/requests", params, **auth(world.sceaux_key)).json()
        seen += [r["reference"] for r in page["items"]]
        added.add(file_request(world).reference)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # then every request that existed was seen exactly once, and none was skipped
    assert len(seen) == len(set(seen))
    assert existing <= set(seen)
    assert not (set(seen) - existing - added)


def test_pages_are_newest_first_and_end_with_no_cursor(client, world):
    # given two requests
    older, newer = file_request(world), file_request(world)
    # when the first page of one is read, then the next
    first = client.get("/api/v1/requests", {"limit": 1}, **auth(world.sceaux_key)).json()
    second = client.get(
        "/api/v1/requests", {"limit": 1, "cursor": first["next_cursor"]}, **auth(world.sceaux_key)
    ).json()
    # then the newest comes first
    assert first["items"][0]["reference"] == newer.reference
    assert second["items"][0]["reference"] == older.reference
