"""The whole national map, from ../shared/data (skipped when it is absent)."""

from io import StringIO

import pytest
from django.core.management import call_command

from guichet.territory.models import Commune, Intercommunality
from guichet.territory.selectors import commune_at_point, commune_by_code, intercommunalities_of

from .conftest import SHIPPED
from .helpers import run_import

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]


def test_the_national_map_imports_every_commune_and_epci(shared_data):
    # when the national files are imported
    output = run_import(str(shared_data / "territory"))
    # then every (code, kind) row and every EPCI and EPT is there
    assert Commune.objects.count() == 37590
    assert Commune.objects.values("code", "kind").distinct().count() == 37590
    assert Intercommunality.objects.exclude(kind="EPT").count() == 1255
    assert Intercommunality.objects.filter(kind="EPT").count() == 11
    assert "communes : 37590 créées" in output
    # and Paris's arrondissements got their outlines
    arrondissement = commune_at_point(2.3412, 48.8530)
    assert arrondissement.code == "75056"
    assert Commune.objects.filter(kind="arrondissement-municipal", bbox__isnull=False).count() == 20
    # and Lyon belongs to the Métropole de Lyon (a type of its own in the files)
    groups = intercommunalities_of(commune_by_code("69123"))
    assert [(g.name, g.kind) for g in groups] == [("Métropole de Lyon", "MET69")]
    # and a re-import changes nothing
    assert run_import(str(shared_data / "territory")).strip().endswith("Aucun changement.")


def test_the_shipped_subset_is_what_the_subset_command_makes(shared_data, tmp_path):
    # when the subset is regenerated from the national files
    call_command(
        "make_territory_subset",
        str(shared_data / "territory"),
        str(tmp_path),
        departements="92,37,45",
        stdout=StringIO(),
    )
    # then it is byte for byte the shipped one (README.md aside)
    shipped = sorted(p.relative_to(SHIPPED) for p in SHIPPED.rglob("*") if p.is_file())
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == [p for p in shipped if p.name != "README.md"]
    for relative in made:
        assert (tmp_path / relative).read_bytes() == (SHIPPED / relative).read_bytes(), relative
