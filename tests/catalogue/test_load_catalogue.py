import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guichet.catalogue.actions import DEMO_CATALOGUE, CatalogueError, load_catalogue
from guichet.catalogue.forms import parse_form_definition
from guichet.catalogue.models import Category, Channel, Level, Service
from guichet.core.journal import Actor
from guichet.core.models import Event

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def _demo() -> dict:
    return json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))


def test_the_demo_catalogue_covers_the_three_levels_with_real_forms():
    # when the demo catalogue is loaded
    report = load_catalogue(actor=SYSTEM)
    # then about twenty services exist across the three levels, each one well described
    services = Service.objects.all()
    assert report.services_created == services.count() >= 20
    assert {s.level for s in services} == set(Level.values)
    for service in services:
        assert service.summary and service.description and service.keywords
        assert service.channels and set(service.channels) <= set(Channel.values)
        assert service.category.icon.startswith("fr-icon-")
        form = parse_form_definition(service.form_definition)
        assert bool(form.fields) == service.accepts_requests
    pothole = Service.objects.get(slug="signalement-voirie")
    assert {"location", "file"} <= {
        f.type for f in parse_form_definition(pothole.form_definition).fields
    }


def test_loading_twice_changes_nothing_and_duplicates_nothing():
    # given the demo catalogue loaded once
    first = load_catalogue(actor=SYSTEM)
    counts = (Category.objects.count(), Service.objects.count())
    # when it is loaded again
    second = load_catalogue(actor=SYSTEM)
    # then the same rows remain, all reported unchanged
    assert (Category.objects.count(), Service.objects.count()) == counts
    assert second.services_total == first.services_total == counts[1]
    assert (second.services_created, second.services_updated) == (0, 0)
    assert (second.categories_created, second.categories_updated) == (0, 0)


def test_loading_appends_one_event_with_the_counts():
    report = load_catalogue(actor=SYSTEM)
    events = Event.objects.filter(kind="catalogue.loaded")
    assert events.count() == 1
    assert events.get().payload["services_created"] == report.services_created


def test_a_changed_file_updates_the_service_in_place(tmp_path):
    # given the demo loaded, then a file where one summary changed
    load_catalogue(actor=SYSTEM)
    data = _demo()
    data["services"][0]["summary"] = "Un résumé revu."
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    # when that file is loaded
    report = load_catalogue(source=path, actor=SYSTEM)
    # then exactly that service is updated
    assert report.services_updated == 1
    assert Service.objects.get(slug=data["services"][0]["slug"]).summary == "Un résumé revu."


def test_a_file_with_an_invalid_form_is_refused_and_nothing_is_written():
    # given a catalogue whose second service has a broken form
    data = _demo()
    data["services"][1]["form_definition"].append({"name": "x", "label": "X", "type": "zip"})
    # when it is loaded
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(source=data, actor=SYSTEM)
    # then the error names the service and the field, and the database is untouched
    slug = data["services"][1]["slug"]
    assert any(f"service « {slug} »" in e and "type de champ inconnu « zip »" in e
               for e in caught.value.errors)  # fmt: skip
    assert not Service.objects.exists()
    assert not Event.objects.exists()


def test_the_command_loads_and_reports_in_french():
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    assert "Catalogue chargé : " in out.getvalue()
    assert Service.objects.filter(slug="acte-de-naissance").exists()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("load_catalogue", str(tmp_path / "absent.json"))
