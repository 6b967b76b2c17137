from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guichet.core.models import Event
from guichet.territory.models import Commune, Intercommunality, Membership
from guichet.territory.selectors import commune_by_code, intercommunalities_of

from .helpers import load, run_import, save, snapshot, table_counts

pytestmark = pytest.mark.django_db


def test_importing_the_shipped_subset_creates_the_three_departements():
    # when the shipped demo territory is imported (no path given)
    output = run_import()
    # then its three départements, their régions, communes of every kind, intercommunalities
    # and postcode rows exist
    assert table_counts() == {
        "Region": 2,
        "Departement": 3,
        "Intercommunality": 32,
        "Commune": 654,
        "Membership": 669,
        "Postcode": 645,
    }
    assert Commune.objects.filter(bbox__isnull=False).count() == 633
    assert "communes : 654 créées, 0 mise à jour, 0 inchangée" in output


def test_sceaux_belongs_to_its_ept_and_to_the_grand_paris_metropolis(shipped_territory):
    # given the demo territory  # when Sceaux's groups are read
    groups = intercommunalities_of(commune_by_code("92071"))
    # then the métropole comes first, then the EPT
    assert [(group.name, group.kind) for group in groups] == [
        ("Métropole du Grand Paris", "METRO"),
        ("Vallée Sud-Grand Paris", "EPT"),
    ]
    issy = intercommunalities_of(commune_by_code("92040"))
    assert [group.name for group in issy] == ["Métropole du Grand Paris", "Grand Paris Seine Ouest"]


def test_tours_and_gien_belong_to_their_intercommunalities(shipped_territory):
    # given the demo territory  # then Tours and Gien are linked to their EPCI
    assert [g.name for g in intercommunalities_of(commune_by_code("37261"))] == [
        "Tours Métropole Val de Loire"
    ]
    assert [g.name for g in intercommunalities_of(commune_by_code("45155"))] == ["CC Giennoises"]


def test_only_members_present_in_the_subset_are_linked(shipped_territory):
    # given the Métropole du Grand Paris, whose 130 members span four départements
    metropolis = Intercommunality.objects.get(siren="200054781")
    # then only the 36 Hauts-de-Seine communes imported are linked
    assert metropolis.memberships.count() == 36


def test_delegated_and_associated_communes_point_to_their_commune(shipped_territory):
    # given Arrabloy, associated with Gien, and Malesherbes, delegated commune sharing the
    # code 45191 of the commune nouvelle Le Malesherbois
    arrabloy = Commune.objects.get(code="45007")
    malesherbes = Commune.objects.get(code="45191", kind=Commune.Kind.DELEGATED)
    # then each has its parent, and the delegated one does not shadow the current commune
    assert arrabloy.parent.name == "Gien"
    assert malesherbes.parent == Commune.objects.get(code="45191", kind=Commune.Kind.CURRENT)
    assert commune_by_code("45191").name == "Le Malesherbois"
    # and Arrabloy's intercommunality is Gien's
    assert [g.name for g in intercommunalities_of(arrabloy)] == ["CC Giennoises"]


def test_reimporting_the_same_files_changes_nothing(shipped_territory):
    # given the demo territory already imported
    before = table_counts()
    before_rows = snapshot()
    # when it is imported again
    output = run_import()
    # then the counts are the same and the report says every row is unchanged
    assert table_counts() == before
    assert snapshot() == before_rows
    assert "communes : 0 créée, 0 mise à jour, 654 inchangées" in output
    assert "contours : 0 créé, 0 mis à jour, 633 inchangés" in output
    assert output.strip().endswith("Aucun changement.")


def test_each_import_appends_one_journal_event(db):
    # when the territory is imported twice
    run_import("--quiet")
    run_import("--quiet")
    # then the journal holds two import events with the figures
    events = Event.objects.filter(kind="territory.imported")
    assert events.count() == 2
    assert events.last().payload["counts"]["communes"]["unchanged"] == 654


def test_a_changed_record_is_reported_as_updated(shipped_territory, territory_folder):
    # given Sceaux's population changed in the files
    communes = load(territory_folder, "communes.json")
    sceaux = next(c for c in communes if c["code"] == "92071")
    sceaux["population"] = 21000
    save(territory_folder, "communes.json", communes)
    # when the folder is imported
    output = run_import(str(territory_folder))
    # then only that commune is updated, in the database and in the report
    assert commune_by_code("92071").population == 21000
    assert "communes : 0 créée, 1 mise à jour, 653 inchangées" in output


def test_a_commune_leaving_its_epci_loses_the_membership(shipped_territory, territory_folder):
    # given Gien removed from the members of the CC Giennoises
    epci = load(territory_folder, "epci.json")
    giennoises = next(group for group in epci if group["code"] == "244500211")
    giennoises["membres"] = [m for m in giennoises["membres"] if m["code"] != "45155"]
    save(territory_folder, "epci.json", epci)
    # when the folder is imported
    output = run_import(str(territory_folder))
    # then Gien has no intercommunality any more and the report says one was removed
    assert intercommunalities_of(commune_by_code("45155")) == []
    assert "1 retirée" in output
    assert Membership.objects.count() == 668


def test_a_record_missing_a_field_is_refused_naming_file_and_record(
    shipped_territory, territory_folder
):
    # given the 12th commune without a name, and another commune changed
    communes = load(territory_folder, "communes.json")
    del communes[11]["nom"]
    communes[0]["population"] = 1
    save(territory_folder, "communes.json", communes)
    before = snapshot()
    # when the folder is imported
    with pytest.raises(CommandError) as refused:
        run_import(str(territory_folder))
    # then the message names the file, the record and the field, and nothing changed
    code = communes[11]["code"]
    assert f"communes.json, enregistrement n° 12 (code {code}) : champ « nom » manquant" in str(
        refused.value
    )
    assert snapshot() == before


def test_a_file_that_is_not_json_is_refused(shipped_territory, territory_folder):
    # given an EPCI file cut in the middle
    text = (territory_folder / "epci.json").read_text(encoding="utf-8")
    (territory_folder / "epci.json").write_text(text[:5000], encoding="utf-8")
    counts = table_counts()
    # when the folder is imported
    with pytest.raises(CommandError, match=r"epci\.json : JSON invalide \(ligne \d+"):
        run_import(str(territory_folder))
    # then the database is as before
    assert table_counts() == counts


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("population", "beaucoup", "champ « population » : nombre entier attendu, reçu 'beaucoup'"),
        ("code", 92071, "champ « code » : texte attendu, reçu 92071"),
        ("type", "commune-fantome", "champ « type » : valeur 'commune-fantome' inconnue"),
        ("codesPostaux", "92330", "champ « codesPostaux » : liste attendue"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused(territory_folder, db, field, value, message):
    # given Sceaux (record 648) with a field of the wrong type
    communes = load(territory_folder, "communes.json")
    assert communes[647]["code"] == "92071"
    communes[647][field] = value
    save(territory_folder, "communes.json", communes)
    # when the folder is imported
    with pytest.raises(CommandError) as refused:
        run_import(str(territory_folder))
    # then the message names the record and explains the problem; nothing was written
    assert "communes.json, enregistrement n° 648" in str(refused.value)
    assert message in str(refused.value)
    assert Commune.objects.count() == 0


def test_a_failure_during_the_writes_rolls_everything_back(shipped_territory, territory_folder):
    # given a new région and a département pointing to a région nobody knows
    regions = load(territory_folder, "regions.json")
    save(territory_folder, "regions.json", [*regions, {"code": "99", "nom": "Nouvelle région"}])
    departements = load(territory_folder, "departements.json")
    departements[0]["region"] = "98"
    save(territory_folder, "departements.json", departements)
    # when the folder is imported
    with pytest.raises(CommandError, match="région « 98 » inconnue"):
        run_import(str(territory_folder))
    # then the région written before the failure is gone too
    assert table_counts()["Region"] == 2


def test_absent_files_are_skipped_but_communes_are_required(db, territory_folder):
    # given a folder without postcodes nor EPT
    (territory_folder / "codes-postaux.json").unlink()
    (territory_folder / "ept.json").unlink()
    # when it is imported
    output = run_import(str(territory_folder))
    # then the report says so, and the rest is imported
    assert "codes-postaux.json absent : ignoré" in output
    assert "codes postaux : fichier absent, ignoré" in output
    assert Intercommunality.objects.filter(kind="EPT").count() == 0
    assert table_counts()["Commune"] == 654
    # and without communes.json the import is refused
    (territory_folder / "communes.json").unlink()
    with pytest.raises(CommandError, match="communes.json est introuvable"):
        run_import(str(territory_folder))


def test_boundaries_without_a_commune_are_reported_not_fatal(db, territory_folder):
    # given a boundary for a commune merged since 2018 (Loiret's 45287)
    # when the folder is imported
    output = run_import(str(territory_folder))
    # then the unmatched code is listed in the report
    assert "1 contour sans commune correspondante" in output
    assert "45287" in output


def test_a_malformed_boundary_is_refused(db, territory_folder):
    # given a feature without geometry in the Hauts-de-Seine file
    path = territory_folder / "geojson" / "communes-92-hauts-de-seine.geojson"
    document = load(path.parent, path.name)
    document["features"][2]["geometry"] = None
    save(path.parent, path.name, document)
    # when the folder is imported  # then the file and the feature are named
    with pytest.raises(
        CommandError, match=r"communes-92-hauts-de-seine\.geojson, enregistrement n° 3"
    ):
        run_import(str(territory_folder))


def test_quiet_import_prints_nothing(db):
    # when the import runs with --quiet
    out = StringIO()
    call_command("import_territory", "--quiet", stdout=out)
    # then nothing is printed, and the data is there
    assert out.getvalue() == ""
    assert commune_by_code("92071") is not None
