import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases.models import Attachment, Request
from guichet.catalogue.actions import save_service
from guichet.catalogue.models import Category, Service
from guichet.people.models import Identity, Person

from .conftest import (
    IN_BOURG_LA_REINE,
    PNG_BYTES,
    SYSTEM,
    counts,
    file_request,
    form_url,
    page_text,
    voirie_post,
)


def test_filing_a_valid_request_creates_one_request_one_person_and_shows_the_reference(
    client, world
):
    # given nothing filed yet
    requests_before, persons_before, _ = counts()
    # when a resident of Sceaux reports a pothole with a photo
    photo = SimpleUploadedFile("trou.png", PNG_BYTES, content_type="image/png")
    response = client.post(form_url("signalement-voirie"), voirie_post(photo=photo))
    # then exactly one request and one person exist, routed to the town
    assert response.status_code == 302
    assert Request.objects.count() == requests_before + 1
    assert Person.objects.count() == persons_before + 1
    filed = Request.objects.get()
    assert filed.authority == world.ville
    assert filed.commune == world.sceaux
    assert filed.channel == "web"
    assert filed.person.identities.get().value == "jeanne.martin@example.fr"
    assert Attachment.objects.get(request=filed).field_name == "photo"
    # and the receipt shows the reference and the tracking link with its secret
    receipt = client.get(response["Location"])
    text = page_text(receipt)
    assert filed.reference in text
    assert f"/suivi/{filed.reference}?cle={filed.tracking_secret}" in receipt.content.decode()
    assert "Et maintenant ?" in text
    # and the promise, said as one, with this request's own date (no history: no estimate)
    assert (
        "Notre engagement : réponse sous 10 jours ouvrés. Pour votre demande : au plus tard le"
        in text
    )
    assert "Ces derniers mois" not in text


def test_the_form_renders_every_field_type_with_dsfr_markup(client, world):
    # given a service whose form uses every field type
    category = Category.objects.get(slug="nous-contacter")
    definition = [
        {"name": "titre", "label": "Titre", "type": "short_text", "required": True,
         "help_text": "En quelques mots."},
        {"name": "texte", "label": "Texte", "type": "long_text"},
        {"name": "nombre", "label": "Nombre", "type": "number"},
        {"name": "jour", "label": "Jour", "type": "date"},
        {"name": "motif", "label": "Motif", "type": "choice",
         "choices": [{"value": "a", "label": "A"}, {"value": "autre", "label": "Autre"}]},
        {"name": "ville", "label": "Ville", "type": "choice",
         "choices": [{"value": str(n), "label": f"Ville {n}"} for n in range(8)]},
        {"name": "jours", "label": "Jours", "type": "multiple_choice",
         "choices": [{"value": "lundi", "label": "Lundi"}, {"value": "mardi", "label": "Mardi"}]},
        {"name": "courriel", "label": "Courriel", "type": "email"},
        {"name": "tel", "label": "Tél", "type": "phone"},
        {"name": "adresse", "label": "Adresse", "type": "address"},
        {"name": "lieu", "label": "Lieu", "type": "location"},
        {"name": "pieces", "label": "Pièces", "type": "file", "max_files": 3},
        {"name": "accord", "label": "J'accepte", "type": "checkbox", "required": True},
        {"name": "precision", "label": "Précision", "type": "short_text",
         "show_if": {"field": "motif", "equals": "autre"}},
    ]  # fmt: skip
    save_service(
        service=Service(slug="tout-type"), actor=SYSTEM, name="Tous les types", kind="interactive",
        category=category, summary="Essai.", level="communal", form_definition=definition,
    )  # fmt: skip
    # when a resident opens its form
    html = client.get(form_url("tout-type")).content.decode()
    # then each type has its DSFR widget, labels and help, required markers and conditions
    assert 'enctype="multipart/form-data"' in html
    assert 'type="date"' in html and 'type="email"' in html and 'type="tel"' in html
    assert 'type="radio" id="champ-motif-0" name="motif"' in html
    assert '<select class="fr-select" id="champ-ville" name="ville">' in html
    assert 'type="checkbox" id="champ-jours-0" name="jours"' in html
    assert '<textarea class="fr-input" id="champ-texte"' in html
    assert 'name="lieu_lat"' in html and 'name="lieu_lon"' in html
    assert 'class="portal-map"' in html and 'id="contour-commune"' in html
    assert 'type="file" id="champ-pieces" name="pieces"' in html and " multiple" in html
    assert 'type="checkbox" id="champ-accord" name="accord"' in html
    assert "En quelques mots." in html
    assert 'data-show-if="{&quot;field&quot;: &quot;motif&quot;' in html
    assert html.count('<span aria-hidden="true">*</span>') >= 3  # titre, accord, contact names
    assert 'name="contact-first_name"' in html


def test_a_signed_in_person_is_not_asked_for_contact_details_again(client, world):
    # given a person signed in on the portal
    person = Person.objects.create(first_name="Paul", last_name="Durand")
    session = client.session
    session["person_id"] = person.pk
    session.save()
    # when they open and submit a form without contact details
    assert "contact-first_name" not in client.get(form_url("signalement-voirie")).content.decode()
    filed = file_request(client, data=voirie_post(**{"contact-first_name": None}))
    # then the request is theirs and no other person was created
    assert filed.person == person
    assert Person.objects.count() == 1


def test_a_conditional_field_is_required_only_when_shown(client, world):
    # when "Autre problème" is chosen without saying which
    refused = client.post(form_url("signalement-voirie"), voirie_post(nature="autre"))
    # then the hidden-until-now field is required
    assert refused.status_code == 400
    assert "Ce champ est obligatoire." in page_text(refused)
    # and with another choice, the same empty field is ignored
    filed = file_request(client, data=voirie_post(nature="trottoir", precision_autre=""))
    assert "precision_autre" not in filed.form_data


def big_file(name, size, head=b"%PDF-1.7\n"):
    return SimpleUploadedFile(name, head + b"0" * (size - len(head)), "application/pdf")


QUESTION = {
    "sujet": "Horaires",
    "message": "Quels sont les horaires de la mairie le samedi ?",
    "reponse_par": "courriel",
    "courriel": "paul@example.fr",
    "contact-first_name": "Paul",
    "contact-last_name": "Durand",
    "contact-email": "paul@example.fr",
}

BAD_INPUTS = {
    "missing required field": (
        "signalement-voirie", voirie_post(nature=None), "Nature du problème : Ce champ est obligatoire.",
    ),
    "bad e-mail": (
        "signalement-voirie", voirie_post(**{"contact-email": "jeanne@"}),
        "L'adresse électronique « jeanne@ » n'est pas valide.",
    ),
    "bad e-mail in the form": (
        "question-generale", QUESTION | {"courriel": "pas-un-courriel"},
        "Saisissez une adresse électronique valide.",
    ),
    "bad phone": (
        "signalement-voirie", voirie_post(**{"contact-email": "", "contact-phone": "12"}),
        "Le numéro de téléphone « 12 » n'est pas valide.",
    ),
    "no contact": (
        "signalement-voirie", voirie_post(**{"contact-email": ""}),
        "Indiquez au moins un moyen de vous joindre",
    ),
    "no name": (
        "signalement-voirie", voirie_post(**{"contact-last_name": ""}),
        "Nom : Ce champ est obligatoire.",
    ),
    "oversize file": (
        "question-generale",
        QUESTION | {"piece_jointe": big_file("scan.pdf", 5 * 1024 * 1024 + 1)},
        "Le fichier « scan.pdf » dépasse la taille maximale de 5 Mo.",
    ),
    "fake PDF": (
        "question-generale",
        QUESTION | {"piece_jointe": SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 not a pdf")},
        "Le fichier « facture.pdf » n’est pas d’un type accepté",
    ),
    "garbage choice": (
        "signalement-voirie", voirie_post(nature="<script>alert(1)</script>"), "Choix invalide",
    ),
    "garbage location": (
        "signalement-voirie", voirie_post(emplacement_lat="abc", emplacement_lon="🙂"),
        "Position invalide : indiquez une latitude et une longitude.",
    ),
    "point outside France": (
        "signalement-voirie", voirie_post(emplacement_lat="40.7", emplacement_lon="-74.0"),
        "Ce point n’est pas situé en France.",
    ),
    "point in the next commune": (
        "signalement-voirie",
        voirie_post(emplacement_lat=IN_BOURG_LA_REINE["lat"], emplacement_lon=IN_BOURG_LA_REINE["lon"]),
        "Ce point est situé à Bourg-la-Reine, pas à Sceaux.",
    ),
    "too long text": (
        "signalement-voirie", voirie_post(description="x" * 2001),
        "Ce texte doit faire au plus 2000 caractères",
    ),
    "empty post": ("signalement-voirie", {}, "Ce champ est obligatoire."),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_refused_in_french_and_writes_nothing(client, world, case):
    # given a service form
    service_slug, data, message = case
    before = counts()
    # when the resident submits bad input
    response = client.post(form_url(service_slug), data)
    # then the form comes back with French errors in DSFR markup, and nothing was written
    text = page_text(response)
    assert response.status_code == 400
    assert message in text
    html = response.content.decode()
    assert "fr-error-text" in html and 'id="erreurs"' in html
    assert "Votre demande n'a pas été envoyée" in text
    assert counts() == before


def test_a_refused_form_keeps_what_was_typed(client, world):
    # when a resident forgets their contact details
    response = client.post(
        form_url("signalement-voirie"), voirie_post(**{"contact-email": "", "danger": "on"})
    )
    # then everything they typed is still there
    html = response.content.decode()
    assert 'value="devant le 12 rue Houdan"' in html
    assert "Un trou profond au milieu de la chaussée.</textarea>" in html
    assert 'value="nid_de_poule" checked' in html
    assert 'name="danger" value="on" checked' in html
    assert 'name="emplacement_lat" value="48.7775"' in html
    assert 'value="Jeanne"' in html
    # and the error summary links to the field
    assert 'href="#id_contact-email"' in html


def test_a_file_error_is_shown_on_the_file_field(client, world):
    # when a resident joins a text file as a photo
    fake = SimpleUploadedFile("photo.png", b"just text", content_type="image/png")
    response = client.post(form_url("signalement-voirie"), voirie_post(photo=fake))
    # then the error sits under the file input
    html = response.content.decode()
    assert 'id="champ-photo-erreur">Le fichier « photo.png » n’est pas d’un type accepté' in html
    assert Request.objects.count() == 0


def test_an_unknown_service_answers_not_found_and_writes_nothing(client, world):
    before = counts()
    # when someone posts to a service that does not exist
    response = client.post(form_url("n-existe-pas"), voirie_post())
    # then a French not-found page answers and nothing is written
    assert response.status_code == 404
    assert "Ce service ou cette commune est inconnu." in page_text(response)
    assert counts() == before


def test_an_informational_service_takes_no_request(client, world):
    before = counts()
    # when someone posts a request to the building permit information page
    response = client.post(form_url("permis-de-construire"), voirie_post())
    # then they are told it is informational, and nothing is written
    assert response.status_code == 404
    assert "ce service ne permet pas de déposer une demande en ligne" in page_text(response)
    assert counts() == before


def test_a_service_not_offered_at_the_commune_takes_no_request(client, world):
    before = counts()
    # when a resident of Tours (whose town is not on the platform) tries to report a pothole
    response = client.post(form_url("signalement-voirie", code="37261"), voirie_post())
    # then they are told to address the town directly
    assert response.status_code == 404
    assert "pas encore proposé en ligne" in page_text(response)
    assert counts() == before


def test_an_identity_typed_twice_does_not_merge_two_strangers(client, world):
    # given a first request with an e-mail address
    file_request(client)
    # when someone else types the same address in another browser
    file_request(client.__class__())
    # then two persons exist (a typed address proves nothing) sharing the declared identity
    assert Person.objects.count() == 2
    assert Identity.objects.filter(value="jeanne.martin@example.fr").count() == 2
