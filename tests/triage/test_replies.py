"""Reply suggestions: on an open request, the replies agents sent on the most similar resolved
requests of the same service, offered to copy into the reply box, never sent by themselves."""

from __future__ import annotations

import pytest
from cases.factories import bring_to, file_request, form_for
from django.urls import reverse

from guichet.cases import actions as cases
from guichet.cases.models import Message
from guichet.core.journal import Actor
from guichet.triage import actions, synthetic

LIGHTING = "eclairage-public-en-panne"
LAMP = "Bonjour, le lampadaire numéro 12 est éteint, merci de le réparer."
LAMP_REPLY = "Nos équipes ont remplacé l'ampoule du lampadaire : il fonctionne de nouveau."
CABLE = "Des câbles électriques pendent du mât, c'est dangereux pour les enfants."
CABLE_REPLY = "Le mât a été sécurisé par l'électricien de permanence le jour même."


@pytest.fixture
def model(world):
    texts, labels = synthetic.corpus(600)
    return actions.train_model(
        authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels
    )


def resolved(world, comment: str, reply: str):
    request = file_request(world, LIGHTING, form_data=form_for(LIGHTING, commentaire=comment))
    cases.send_message(request=request, actor=Actor.agent(world.agent_sceaux), body=reply)
    return bring_to(world, request, "resolved")


def test_the_agent_sees_the_reply_to_the_most_similar_resolved_request(world, model, client):
    # given two resolved lighting requests answered by agents
    lamp = resolved(world, LAMP, LAMP_REPLY)
    resolved(world, CABLE, CABLE_REPLY)
    # and a new one about a dark street lamp
    new = file_request(
        world, LIGHTING,
        form_data=form_for(LIGHTING, commentaire="Le lampadaire 14 est éteint depuis hier."),
    )  # fmt: skip
    sent_before = Message.objects.count()
    # when the agent opens it
    client.force_login(world.agent_sceaux)
    page = client.get(reverse("backoffice:request", args=[new.pk])).content.decode()
    # then the lamp's reply comes first, ready to be copied, and nothing was sent
    assert "Réponses données à des demandes semblables" in page
    first = page.index(f"Demande {lamp.reference}")
    assert first < page.index("Le mât a été sécurisé") if "Le mât a été" in page else True
    assert 'data-insert-reply="Nos équipes ont remplacé' in page
    assert "triage/replies.js" in page
    assert Message.objects.count() == sent_before


def test_no_suggestion_without_a_model_or_for_a_finished_request(world, client):
    lamp = resolved(world, LAMP, LAMP_REPLY)
    new = file_request(world, LIGHTING, form_data=form_for(LIGHTING, commentaire=LAMP))
    client.force_login(world.agent_sceaux)
    page = client.get(reverse("backoffice:request", args=[new.pk])).content.decode()
    assert "Réponses données à des demandes semblables" not in page
    page = client.get(reverse("backoffice:request", args=[lamp.pk])).content.decode()
    assert "Réponses données à des demandes semblables" not in page
