"""In development, e-mails sent are kept as files that `guichet mails` lists and shows."""

import io
import re

from django.core.management import call_command
from django.test import Client

from guichet.core.journal import Actor
from guichet.people.actions import find_or_create_person


def mails(*args) -> str:
    out = io.StringIO()
    call_command("mails", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_sign_in_mail_is_kept_for_guichet_mails_and_not_printed(db, settings, tmp_path, capfd):
    # given the development e-mail backend
    settings.EMAIL_BACKEND = "guichet.core.mailbox.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    find_or_create_person(actor=Actor.system("tests"), email="jeanne.martin@example.fr")
    assert "Aucun courriel envoyé" in mails()
    # when Jeanne asks for a sign-in link
    assert Client().post("/connexion/", {"email": "jeanne.martin@example.fr"}).status_code == 200
    # then nothing is printed by the server, the message is listed and readable with its link
    printed = capfd.readouterr()
    assert "connexion/lien" not in printed.out + printed.err
    listing = mails()
    assert re.search(r"^\s+1 .*jeanne\.martin@example\.fr\s+Votre lien de connexion", listing, re.M)
    shown = mails("--voir", "1")
    assert "Objet : Votre lien de connexion à Guichet" in shown
    assert re.search(r"http://\S+/connexion/lien/\S+/", shown)
    # and the list can be emptied
    assert "1 courriel effacé." in mails("--vider")
    assert "Aucun courriel envoyé" in mails()
