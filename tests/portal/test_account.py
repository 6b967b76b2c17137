import re
import time

from django.core import mail, signing
from django.test import Client

from guichet.cases.actions import submit_request
from guichet.core.journal import Actor
from guichet.people.actions import find_or_create_person, verify_identity
from guichet.people.models import Identity, Verification
from guichet.portal import sign_in
from guichet.portal.views.account import ASK_LIMIT

from .conftest import IN_SCEAUX, SYSTEM, file_request, page_text


def ask_link(client, email):
    return client.post("/connexion/", {"email": email})


def link_from_outbox() -> str:
    return re.search(r"https?://\S+/connexion/lien/\S+/", mail.outbox[-1].body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def follow(client, link):
    """Open the link as a browser does (GET), then confirm on the page it lands on."""
    landing = client.get(path_of(link))
    assert landing.status_code == 303 and landing["Location"] == "/connexion/lien/"
    return client.post(landing["Location"])


def test_the_email_link_signs_in_and_my_requests_spans_every_authority(client, world):
    # given Jeanne filed a pothole report (town) and a waste bin request (EPT) in two sessions
    first = file_request(Client())
    jeanne = first.person
    bin_request = submit_request(
        service=world.bac, person=jeanne, channel="web", actor=Actor.person(jeanne),
        form_data={"probleme": "bac_abime", "type_bac": "tri", "adresse": "3 rue Houdan"},
        commune=world.sceaux,
    )  # fmt: skip
    # and a stranger filed a request too
    stranger = find_or_create_person(actor=SYSTEM, email="autre@example.fr").person
    theirs = submit_request(
        service=world.voirie, person=stranger, channel="web", actor=Actor.person(stranger),
        form_data={"nature": "trottoir", "emplacement": IN_SCEAUX}, commune=world.sceaux,
    )  # fmt: skip
    # when Jeanne asks for a sign-in link and follows it
    sent = ask_link(client, "jeanne.martin@example.fr")
    assert "Si l'adresse jeanne.martin@example.fr est connue" in page_text(sent)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jeanne.martin@example.fr"]
    assert "valable 30 minutes" in mail.outbox[0].body
    link = link_from_outbox()
    token = link.rstrip("/").rsplit("/", 1)[1]
    # the link lands on a page that moves the token into the session, without a Referer
    landing = client.get(path_of(link))
    assert landing.status_code == 303 and landing["Referrer-Policy"] == "no-referrer"
    confirm = client.get(landing["Location"])
    assert token not in landing["Location"] and "jeanne" not in landing["Location"]
    assert "Me connecter" in page_text(confirm)
    assert "jeanne.martin@example.fr" in page_text(confirm)
    response = follow(client, link)
    # then she is signed in and "Mes demandes" lists both requests with their statuses
    assert response["Location"] == "/mes-demandes/"
    text = page_text(client.get("/mes-demandes/"))
    assert first.reference in text and "Ville de Sceaux" in text
    assert bin_request.reference in text and "Vallée Sud - Grand Paris" in text
    assert "en cours" in text
    # and never the stranger's
    assert theirs.reference not in text
    assert client.get(f"/suivi/{theirs.reference}").status_code == 404
    # and her own request opens without any factor
    assert client.get(f"/suivi/{bin_request.reference}").status_code == 200
    # and her e-mail is now verified
    identity = Identity.objects.get(person=jeanne, kind="email")
    assert identity.verification == Verification.EMAIL_VERIFIED


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, world):
    # when someone asks a link for an address nobody gave
    response = ask_link(client, "inconnu@example.fr")
    # then the page is the same as for a known address, and nothing is sent
    assert response.status_code == 200
    assert "Si l'adresse inconnu@example.fr est connue, un lien de connexion" in page_text(response)
    assert mail.outbox == []


def test_a_malformed_address_is_refused_in_french(client, world):
    response = ask_link(client, "pas une adresse")
    assert response.status_code == 400
    assert "L'adresse électronique « pas une adresse » n'est pas valide." in page_text(response)


def test_a_sign_in_link_works_only_once(client, world):
    # given a link sent to Jeanne and used once
    file_request(Client())
    ask_link(client, "jeanne.martin@example.fr")
    link = link_from_outbox()
    assert follow(client, link).status_code == 302
    # when it is used again, from another browser
    again = follow(Client(), link)
    # then it is refused
    assert again.status_code == 400
    assert "a expiré ou a déjà servi" in page_text(again)


def test_an_expired_or_tampered_link_is_refused(client, world):
    file_request(Client())

    class Past(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - sign_in.MAX_AGE - 5)

    expired = Past(salt=sign_in.SALT).sign_object(
        {"email": "jeanne.martin@example.fr", "nonce": "x"}
    )
    # when an old link, or a forged one, is followed
    old = client.post(f"/connexion/lien/{expired}/")
    forged = client.post("/connexion/lien/eyJlbWFpbCI6ImplYW5uZSJ9:abc:def/")
    # then neither signs in
    assert old.status_code == forged.status_code == 400
    assert client.get("/mes-demandes/")["Location"] == "/connexion/"


def test_a_verified_address_of_another_person_signs_in_its_owner(client, world):
    # given two persons who gave the same address, the second one verified it
    file_request(Client())
    owner = find_or_create_person(
        actor=SYSTEM, email="jeanne.martin@example.fr", first_name="Owner"
    ).person
    verify_identity(
        actor=SYSTEM, identity=owner.identities.get(), level=Verification.EMAIL_VERIFIED
    )
    # when a link for that address is used
    ask_link(client, "jeanne.martin@example.fr")
    follow(client, link_from_outbox())
    # then the verified owner is signed in
    assert client.session["person_id"] == owner.pk


def test_sign_in_requests_are_rate_limited(client, world, one_rate_window):
    for _ in range(ASK_LIMIT):
        assert ask_link(client, "inconnu@example.fr").status_code == 200
    response = ask_link(client, "inconnu@example.fr")
    assert response.status_code == 429
    assert "Trop de tentatives, réessayez dans" in page_text(response)


def test_signing_out_ends_the_session(client, world):
    # given Jeanne signed in
    file_request(Client())
    ask_link(client, "jeanne.martin@example.fr")
    follow(client, link_from_outbox())
    assert client.get("/mes-demandes/").status_code == 200
    # when she signs out
    client.post("/deconnexion/")
    # then "Mes demandes" asks her to sign in again
    assert client.get("/mes-demandes/")["Location"] == "/connexion/"
