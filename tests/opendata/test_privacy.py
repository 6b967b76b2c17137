"""No person, contact, free text, exact address, precise point or attachment name ever reaches
a published file: identifiable data is planted in requests, messages, attachments and survey
answers, every data set is published, and the bytes of every file are searched."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from cases.factories import PDF_BYTES, SYSTEM, build_world, file_request, pdf, person
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from support import built_for_the_module

from guichet.cases import actions as cases
from guichet.opendata import actions, selectors
from guichet.opendata.models import Dataset, Publication
from guichet.satisfaction.models import Answer, Survey

NAMES = ["Théodorine", "Vasquez-Planchard", "Ghislain", "Beauséjour-Kermarrec", "Ondine"]
PLANTED = [
    *NAMES,
    "theodorine.vp@exemple.fr",
    "g.kermarrec@exemple.org",
    "07 61 23 45 89",
    "0761234589",
    "17 bis rue des Écoles",
    "rue des Ecoles",
    "nid-de-poule-devant-chez-theodorine",
    "ma voisine la plus bavarde du quartier",
    "justificatif-domicile-ondine",
    "Mon code d'accès à la résidence",
    "48.776612",
    "2.294687",
]


def _plant(world) -> list[str]:
    references = []
    for number in range(7):
        first, last = NAMES[number % 2 * 2], NAMES[1 + number % 2 * 2]
        resident = person(
            first, last, email=f"{number}.theodorine.vp@exemple.fr" if number else
            "theodorine.vp@exemple.fr", phone="07 61 23 45 89", commune=world.sceaux_commune,
        )  # fmt: skip
        request = file_request(
            world, person=resident, address="17 bis rue des Écoles, 92330 Sceaux",
            latitude=48.776612 + number * 1e-6, longitude=2.294687,
            form_data={
                "nature": "nid_de_poule",
                "description": f"{first} {last} : ma voisine la plus bavarde du quartier, "
                "nid-de-poule-devant-chez-theodorine, appelez le 0761234589",
                "emplacement": {"lat": 48.776612 + number * 1e-6, "lon": 2.294687},
                "photo": [
                    SimpleUploadedFile(
                        "justificatif-domicile-ondine.pdf", PDF_BYTES, "application/pdf"
                    )
                ],
            },
        )  # fmt: skip
        cases.reply_as_person(
            request=request, actor=SYSTEM,
            body="Mon code d'accès à la résidence est 4521B, Ondine Beauséjour-Kermarrec",
        )  # fmt: skip
        cases.send_message(
            request=request, actor=SYSTEM, body="Bonjour Théodorine, g.kermarrec@exemple.org",
            files=[pdf("justificatif-domicile-ondine.pdf")],
        )  # fmt: skip
        now = timezone.now()
        survey = Survey.objects.create(
            request=request, token=f"prive-{number}", opened_at=now,
            expires_at=now + timedelta(days=30),
        )  # fmt: skip
        Answer.objects.create(
            survey=survey, resolved=True, score=4, answered_at=now, channel=request.channel,
            comment="Merci Théodorine Vasquez-Planchard, 17 bis rue des Écoles, 07 61 23 45 89",
            authority_id=request.authority_id, service_id=request.service_id,
        )  # fmt: skip
        references.append(request.reference)
    for owner in (world.sceaux, None):
        for dataset in actions.ensure_datasets(authority=owner, actor=SYSTEM):
            actions.update_dataset(dataset=dataset, actor=SYSTEM, publish=True)
    published = actions.publish_all()
    assert all(p.status == Publication.Status.PUBLISHED for p in published), [
        (p.dataset.slug, p.error_message) for p in published
    ]
    return references


@pytest.fixture(scope="module")
def planted(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("privacy")
    with (
        override_settings(
            GUICHET_OPENDATA_DIR=folder / "published", DATA_DIR=folder,
            MEDIA_ROOT=folder / "media", GUICHET_OPENDATA_K=5,
        ),
        built_for_the_module(django_db_blocker, lambda: _plant(build_world())) as references,
    ):  # fmt: skip
        yield references, folder / "published"


def _variants(text: str) -> set[bytes]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = set()
    for value in {text, folded, text.lower(), folded.lower()}:
        out |= {value.encode("utf-8"), value.encode("utf-16-le")}
    return out


def _parquet_text(path) -> bytes:
    table = pq.read_table(path)
    return "\n".join(
        str(value) for column in table.columns for value in column.to_pylist()
    ).encode()


def test_no_planted_data_appears_in_any_published_file(planted, db):
    references, folder = planted
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".csv", ".geojson", ".parquet", ".json"}
    contents = {}
    for path in files:
        data = path.read_bytes()
        contents[path] = (
            data.lower()
            + b"\n"
            + (_parquet_text(path).lower() if path.suffix == ".parquet" else b"")
        )
    for path, data in contents.items():
        for text in PLANTED:
            for variant in _variants(text):
                assert variant.lower() not in data, f"« {text} » found in {path.name}"
    # and the planted requests themselves are published (the search had something to find)
    sceaux = selectors.latest_publication(Dataset.objects.get(slug="sceaux-requests"))
    csv_bytes = selectors.file_path(sceaux.files.get(format="csv")).read_bytes()
    assert all(reference.encode() in csv_bytes for reference in references)
    satisfaction = selectors.latest_publication(Dataset.objects.get(slug="sceaux-satisfaction"))
    assert satisfaction.row_count == 1


def test_the_published_columns_hold_nothing_personal(planted, db):
    # the schema's columns are the only ones written, and none is about a person
    _references, folder = planted
    forbidden = {
        "person", "email", "phone", "address", "description", "comment", "summary", "media",
        "attachment", "latitude", "longitude", "firstname", "surname", "body", "message", "text",
    }  # fmt: skip
    headers = 0
    for path in folder.rglob("*.csv"):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        headers += 1
        for column in header:
            assert not set(column.split("_")) & forbidden, (path.name, column)
    assert headers == 8
