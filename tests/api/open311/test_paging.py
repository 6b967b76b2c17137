"""GET requests page by page: a client following `Link: rel="next"` reads every request once."""

from __future__ import annotations

import re

from .factories import file_on_web
from .schemas import ERRORS, SERVICE_REQUESTS, check_json

LIST = "/open311/v2/requests.json?jurisdiction_id=sceaux&page_size=2"
NEXT = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


def follow(client, url: str, *, between=None) -> list[list[str]]:
    """Every page from `url`, following the next links (calling `between` after each page)."""
    pages = []
    while url:
        response = client.get(url)
        pages.append([r["service_request_id"] for r in check_json(response, SERVICE_REQUESTS)])
        link = response.headers.get("Link")
        url = NEXT.match(link).group("url") if link else None
        if between is not None:
            between()
    return pages


def test_following_next_links_gives_every_request_exactly_once(client, world):
    # given five reports, more than two pages of two
    made = [file_on_web(world).reference for _ in range(5)]
    # when a client follows the next links from the first page
    pages = follow(client, LIST)
    # then it reads three pages, every report once, newest first, and the last has no link
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [ref for page in pages for ref in page] == list(reversed(made))


def test_reports_filed_while_a_client_pages_shift_nothing(client, world):
    # given four reports
    made = [file_on_web(world).reference for _ in range(4)]
    # when a report is filed after each page the client reads
    pages = follow(client, LIST, between=lambda: file_on_web(world))
    # then the client still reads the four, each once (the new ones wait for its next visit)
    assert [ref for page in pages for ref in page] == list(reversed(made))


def test_a_full_last_page_has_no_next_link(client, world):
    # given exactly two reports
    for _ in range(2):
        file_on_web(world)
    # when the first page of two is read
    response = client.get(LIST)
    # then no next link is announced
    assert len(response.json()) == 2 and "Link" not in response.headers


def test_an_invalid_snapshot_is_a_400(client, world):
    response = client.get(LIST + "&snapshot=abc")
    assert response.status_code == 400
    assert "snapshot" in check_json(response, ERRORS)[0]["description"]


def test_page_numbers_that_are_not_plain_integers_are_a_400(client, world):
    # given values a client may send for a page: a superscript digit, zero, past the maximum
    for query in ["&page=%C2%B2", "&page=0", "&page_size=1001", "&snapshot=%C2%B2"]:
        # when it asks for them
        response = client.get(LIST + query)
        # then each is a 400 in Open311's format, never a server error
        assert response.status_code == 400, query
        assert check_json(response, ERRORS)[0]["description"]
