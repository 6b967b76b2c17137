"""The client's address behind GUICHET_TRUSTED_PROXIES reverse proxies, for every rate limit."""

import pytest
from django.test import Client, RequestFactory

from guichet.core.ratelimit import client_address
from guichet.portal.views.tracking import LOOKUP_LIMIT


def address(settings, proxies, forwarded=None, remote="10.0.0.9"):
    settings.GUICHET_TRUSTED_PROXIES = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert address(settings, 0, "203.0.113.7") == "10.0.0.9"


def test_the_nth_address_from_the_right_is_the_client(settings):
    # one proxy: what it saw is the last entry; whatever the client wrote before is ignored
    assert address(settings, 1, "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    # two proxies (a CDN then a load balancer): the second from the right
    assert address(settings, 2, "6.6.6.6, 203.0.113.7, 198.51.100.2") == "203.0.113.7"
    assert address(settings, 1, "2001:db8::1") == "2001:db8::1"


def test_a_missing_short_or_forged_header_falls_back_safely(settings):
    assert address(settings, 1) == "10.0.0.9"
    assert address(settings, 3, "203.0.113.7") == "203.0.113.7"
    assert address(settings, 1, "pas-une-adresse") == "10.0.0.9"


@pytest.mark.django_db
def test_behind_a_proxy_each_resident_has_their_own_lookup_budget(settings, one_rate_window):
    # given one reverse proxy in front: every request comes from its address
    settings.GUICHET_TRUSTED_PROXIES = 1
    # (within one rate-limit window: the clock is held still)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def look_up(resident):
        return Client().post(
            "/suivi/", {"reference": "ABCD-EFGH-JK", "factor": "x@example.fr"},
            HTTP_X_FORWARDED_FOR=resident, **proxy,
        )  # fmt: skip

    # when one resident uses up the look-up budget
    for _ in range(LOOKUP_LIMIT):
        assert look_up("203.0.113.7").status_code == 404
    # then they are refused, and another resident behind the same proxy is not
    assert look_up("203.0.113.7").status_code == 429
    assert look_up("198.51.100.4").status_code == 404
