"""The counter intake's sentence about who handles the service reads as one sentence."""

import re

import pytest

from .conftest import file_question

pytestmark = pytest.mark.django_db


def test_the_competence_reason_is_not_wrapped_in_brackets(world, signed_in):
    # given the front desk of Sceaux filing a general question for Claire (known in Sceaux)
    file_question(world)
    client = signed_in(world.front)
    url = (
        f"/agents/nouvelle-demande/demande/?personne={world.claire.pk}"
        "&canal=counter&service=question-generale&commune=92071"
    )
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    # then the reason follows the authority as its own sentence, without « .). »
    assert "traité par <strong>Ville de Sceaux</strong>. À Sceaux, ce service relève de" in page
    assert ".)." not in page and ")." in page
