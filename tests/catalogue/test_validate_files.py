import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from guichet.catalogue.forms import FormValidationError, validate_submission

from .conftest import PDF_BYTES, PNG_BYTES

PIECE = {"name": "piece", "label": "Justificatif", "type": "file", "required": True,
         "allowed_types": ["pdf", "png"], "max_size_mb": 1}  # fmt: skip


def _errors(definition, files):
    with pytest.raises(FormValidationError) as caught:
        validate_submission(definition, {}, files)
    return caught.value.errors


def test_a_real_pdf_is_accepted_and_described(pdf_upload):
    cleaned = validate_submission([PIECE], {}, {"piece": pdf_upload})
    assert cleaned == {
        "piece": [
            {"name": "justificatif.pdf", "size": len(PDF_BYTES), "content_type": "application/pdf"}
        ]
    }


def test_the_upload_is_rewound_for_whoever_stores_it(png_upload):
    validate_submission([PIECE], {}, {"piece": png_upload})
    assert png_upload.read() == PNG_BYTES


def test_a_text_file_named_pdf_is_refused(fake_pdf_upload):
    assert _errors([PIECE], {"piece": fake_pdf_upload}) == {
        "piece": [
            "Le fichier « facture.pdf » n’est pas d’un type accepté (formats acceptés : PDF, PNG)."
        ]
    }


def test_the_type_comes_from_the_content_not_the_name():
    # given a real PNG saved with a .pdf name, for a field taking only PDFs
    disguised = SimpleUploadedFile("scan.pdf", PNG_BYTES, content_type="application/pdf")
    only_pdf = PIECE | {"allowed_types": ["pdf"]}
    # then it is refused; and a PDF with a .txt name is accepted
    assert "n’est pas d’un type accepté" in _errors([only_pdf], {"piece": disguised})["piece"][0]
    honest = SimpleUploadedFile("scan.txt", PDF_BYTES, content_type="text/plain")
    assert validate_submission([only_pdf], {}, {"piece": honest})["piece"][0]["content_type"] == (
        "application/pdf"
    )


def test_an_oversize_file_is_refused():
    big = SimpleUploadedFile("gros.pdf", PDF_BYTES + b"0" * (1024 * 1024), "application/pdf")
    assert _errors([PIECE], {"piece": big}) == {
        "piece": ["Le fichier « gros.pdf » dépasse la taille maximale de 1 Mo."]
    }


def test_a_missing_required_file_and_an_empty_file_are_refused():
    assert _errors([PIECE], {}) == {"piece": ["Ce champ est obligatoire."]}
    empty = SimpleUploadedFile("vide.pdf", b"", "application/pdf")
    assert _errors([PIECE], {"piece": empty}) == {"piece": ["Le fichier « vide.pdf » est vide."]}


def test_several_files_from_request_files_respect_the_limit(pdf_upload, png_upload):
    # given a field taking two files and a browser posting three
    two = PIECE | {"max_files": 2}
    posted = MultiValueDict({"piece": [pdf_upload, png_upload]})
    assert len(validate_submission([two], {}, posted)["piece"]) == 2
    extra = SimpleUploadedFile("c.pdf", PDF_BYTES, "application/pdf")
    posted = MultiValueDict({"piece": [pdf_upload, png_upload, extra]})
    # then the third is one too many
    assert _errors([two], posted) == {"piece": ["Vous pouvez joindre au plus 2 fichiers."]}


def test_something_that_is_not_a_file_is_refused():
    assert _errors([PIECE], {"piece": "/etc/passwd"}) == {
        "piece": ["Le fichier « sans nom » est illisible."]
    }
