"""Django's own 500 page is French and renders with neither the request nor the database."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path


def broken(request):
    raise RuntimeError("a bug nobody caught")


urlpatterns = [path("panne/", broken)]


@pytest.mark.django_db
def test_an_unexpected_error_shows_the_french_500_page_without_a_query(settings):
    # given a view that fails, served as in production (DEBUG off)
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    # when a resident opens it
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/panne/")
    # then she reads, in French, that the service failed and what to do; nothing was queried
    # to say so (the database may be what failed)
    assert response.status_code == 500
    text = response.content.decode()
    assert '<html lang="fr"' in text
    assert "Le service rencontre un problème" in text
    assert "Réessayez dans quelques minutes." in text
    assert "Server Error" not in text
    assert len(queries) == 0
