"""Residents sign in with FranceConnect against a real provider process (oidc-provider-mock)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from cases.factories import SYSTEM, build_world, file_request
from support import built_for_the_module, refreshed

from guichet.core.models import Event
from guichet.people import actions as people
from guichet.people.models import DuplicateSuspicion, Identity, Person, Verification

from .conftest import FC_CLAIMS, consent_at_provider, register_user, start


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    return refreshed(_module_world)


def test_the_button_shows_only_when_franceconnect_is_configured(
    client, db, settings, oidc_provider
):
    # given no FranceConnect settings
    settings.GUICHET_FRANCECONNECT = {"issuer": "", "client_id": "", "client_secret": ""}
    # then the sign-in page has no FranceConnect button, and its address answers 404
    page = client.get("/connexion/").content.decode()
    assert "fr-connect" not in page
    assert client.post("/connexion/franceconnect/").status_code == 404
    # when the three variables are set
    settings.GUICHET_FRANCECONNECT = {
        "issuer": oidc_provider.issuer, "client_id": "x", "client_secret": "y",
    }  # fmt: skip
    page = client.get("/connexion/").content.decode()
    # then the official button and its wording are there
    assert 'class="fr-connect"' in page
    assert "S’identifier avec" in page and "FranceConnect" in page
    assert "Qu’est-ce que FranceConnect ?" in page


def test_the_authorization_request_is_franceconnect_s(client, db, franceconnect):
    # when a resident presses the button
    url = start(client)
    # then the provider is asked for the code flow with FranceConnect's parameters
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(franceconnect.issuer + "/oauth2/authorize?")
    assert query["response_type"] == ["code"]
    assert query["acr_values"] == ["eidas1"]
    assert query["prompt"] == ["login"]
    assert set(query["scope"][0].split()) == {
        "openid", "given_name", "family_name", "birthdate", "birthplace", "birthcountry",
        "gender", "email", "preferred_username",
    }  # fmt: skip
    assert len(query["nonce"][0]) >= 22 and len(query["state"][0]) >= 22
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/connexion/franceconnect/callback/"]


@pytest.mark.parametrize(("signing", "userinfo"), [("ES256", "jwt"), ("RS256", "json")])
def test_a_first_sign_in_links_the_account_and_attaches_earlier_requests(
    client, world, franceconnect, signing, userinfo
):
    # given two requests filed earlier with Angela's e-mail (typed, never verified), and a
    # namesake known elsewhere with another address
    franceconnect.facade.signing, franceconnect.facade.userinfo = signing, userinfo
    earlier = people.create_person(
        actor=SYSTEM, first_name="Angela", last_name="Dubois", email=FC_CLAIMS["email"]
    )
    filed = [file_request(world, person=earlier), file_request(world, person=earlier)]
    namesake = people.create_person(
        actor=SYSTEM, first_name="Angela", last_name="Dubois", email="autre@exemple.fr"
    )
    register_user(franceconnect, f"fc-{signing}", **FC_CLAIMS)
    # when she signs in with FranceConnect
    back = consent_at_provider(start(client), f"fc-{signing}")
    response = client.get(back)
    # then she lands on « Mes demandes », signed in, with both earlier requests
    assert response.status_code == 302 and response["Location"] == "/mes-demandes/"
    page = client.get("/mes-demandes/").content.decode()
    for request in filed:
        assert request.reference in page
    # and her record carries the FranceConnect account at the highest level, and her e-mail
    person = Person.objects.get(pk=client.session["person_id"])
    account = person.identities.get(kind=Identity.Kind.ACCOUNT)
    assert (account.provider, account.value) == ("franceconnect", f"fc-{signing}")
    assert account.verification == Verification.FRANCECONNECT
    assert (
        person.identities.get(kind=Identity.Kind.EMAIL).verification == Verification.FRANCECONNECT
    )
    # and the earlier record was folded into hers (never the namesake's: a suspicion at most)
    earlier.refresh_from_db()
    namesake.refresh_from_db()
    assert earlier.pk == person.pk or earlier.merged_into_id == person.pk
    assert namesake.merged_into_id is None
    # and one journal event tells the sign-in
    event = Event.objects.get(kind="person.account_signed_in", person_id=person.pk)
    assert event.payload["provider"] == "franceconnect" and event.payload["linked"] is True


def test_a_new_resident_known_only_by_name_raises_a_suspicion_not_a_merge(
    client, world, franceconnect
):
    # given a record with the same name and another e-mail
    other = people.create_person(
        actor=SYSTEM, first_name="Paul", last_name="Lefèvre", email="paul.l@exemple.fr"
    )
    register_user(
        franceconnect, "fc-paul", given_name="Paul", family_name="Lefèvre",
        email="paul.lefevre@exemple.fr",
    )  # fmt: skip
    # when Paul signs in with FranceConnect for the first time
    client.get(consent_at_provider(start(client), "fc-paul"))
    # then a new record is his, and an agent is asked whether the two are one person
    person = Person.objects.get(pk=client.session["person_id"])
    assert person.pk != other.pk
    suspicion = DuplicateSuspicion.objects.get(person=person, candidate=other)
    assert suspicion.status == DuplicateSuspicion.Status.OPEN
    other.refresh_from_db()
    assert other.merged_into_id is None


def test_the_second_sign_in_finds_the_same_person(client, world, franceconnect):
    register_user(franceconnect, "fc-again", **FC_CLAIMS | {"email": "again@exemple.fr"})
    client.get(consent_at_provider(start(client), "fc-again"))
    first = client.session["person_id"]
    client.post("/deconnexion/")
    client.get(consent_at_provider(start(client), "fc-again"))
    assert client.session["person_id"] == first
    assert Person.objects.filter(identities__value="again@exemple.fr").count() == 1


def test_the_account_page_shows_the_link_and_unlinks_it(client, world, franceconnect):
    register_user(franceconnect, "fc-unlink", **FC_CLAIMS | {"email": "unlink@exemple.fr"})
    client.get(consent_at_provider(start(client), "fc-unlink"))
    page = client.get("/mon-compte/").content.decode()
    assert "Délier mon compte FranceConnect" in page and "unlink@exemple.fr" in page
    # when she unlinks it
    response = client.post("/mon-compte/comptes/franceconnect/delier/")
    # then the account is gone, her e-mail stays verified (as an e-mail sign-in would)
    assert response.status_code == 302
    person = Person.objects.get(pk=client.session["person_id"])
    assert not person.identities.filter(kind=Identity.Kind.ACCOUNT).exists()
    assert (
        person.identities.get(kind=Identity.Kind.EMAIL).verification == Verification.EMAIL_VERIFIED
    )
    assert "Aucun compte n’est lié" in client.get("/mon-compte/").content.decode()
    assert Event.objects.filter(kind="person.account_unlinked", person_id=person.pk).count() == 1


def test_signing_out_goes_through_the_provider_s_end_session(client, world, franceconnect):
    register_user(franceconnect, "fc-out", **FC_CLAIMS | {"email": "out@exemple.fr"})
    client.get(consent_at_provider(start(client), "fc-out"))
    id_token = client.session["identity_id_token"]
    # when she signs out
    response = client.post("/connexion/franceconnect/sortie/")
    # then she is signed out here at once, and sent to the provider's end-session endpoint
    assert "person_id" not in client.session
    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == franceconnect.issuer + "/oauth2/end_session"
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [
        "http://127.0.0.1:8000/connexion/franceconnect/deconnexion/"
    ]
    # and back from the provider with its state, she reads she is signed out
    back = client.get(
        f"/connexion/franceconnect/deconnexion/?state={query['state'][0]}", follow=True
    )
    assert "Vous êtes déconnecté(e), ici et de FranceConnect." in back.content.decode()


def test_a_record_with_the_same_e_mail_but_a_verified_phone_is_suspected_not_merged(
    client, world, franceconnect
):
    # given a record that typed Léa's e-mail but whose phone was checked by SMS (someone proven)
    other = people.create_person(
        actor=SYSTEM, first_name="Léo", last_name="Marchand", email="lea.m@exemple.fr",
        phone="06 11 22 33 44", verification=Verification.SMS_VERIFIED,
    )  # fmt: skip
    register_user(franceconnect, "fc-lea", given_name="Léa", family_name="Marchand",
                  email="lea.m@exemple.fr")  # fmt: skip
    # when Léa signs in with FranceConnect
    client.get(consent_at_provider(start(client), "fc-lea"))
    # then the other record stays apart, and an agent is asked to decide
    person = Person.objects.get(pk=client.session["person_id"])
    other.refresh_from_db()
    assert other.merged_into_id is None and person.pk != other.pk
    assert DuplicateSuspicion.objects.filter(person=person, candidate=other).exists()


def test_changing_the_e_mail_waits_for_the_link_sent_to_the_new_address(
    client, world, franceconnect, mailoutbox
):
    # given Nina signed in with FranceConnect
    register_user(franceconnect, "fc-nina", given_name="Nina", family_name="Roux",
                  email="nina.roux@exemple.fr")  # fmt: skip
    client.get(consent_at_provider(start(client), "fc-nina"))
    person = Person.objects.get(pk=client.session["person_id"])
    # when she asks for a new address on « Mon compte »
    client.post("/mon-compte/courriel/", {"email": "Nina.Nouvelle@Exemple.fr"})
    # then nothing changed yet, and a link went to the new address only
    assert list(person.identities.filter(kind="email").values_list("value", flat=True)) == [
        "nina.roux@exemple.fr"
    ]
    (mail,) = mailoutbox
    assert mail.to == ["nina.nouvelle@exemple.fr"]
    link = re.search(r"http://\S+/mon-compte/courriel/\S+/", mail.body).group(0)
    path = urlsplit(link).path
    # when she opens it and confirms, then the new address replaces the old one, verified
    assert "nina.nouvelle@exemple.fr" in client.get(path).content.decode()
    assert client.post(path).status_code == 302
    email = person.identities.get(kind="email")
    assert (email.value, email.verification) == (
        "nina.nouvelle@exemple.fr",
        Verification.EMAIL_VERIFIED,
    )
    assert Event.objects.filter(kind="person.email_changed", person_id=person.pk).count() == 1
    # and the link serves once
    assert client.post(path).status_code == 400
