"""The process map laid out by Graphviz: what it draws, what it leaves out, and its page."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET  # noqa: S405

import pytest
from django.http import QueryDict
from journeys.factories import contact, log_of, received, resolved_path, step

from guichet.backoffice import process_graph, process_page
from guichet.backoffice.process_graph import activity_label, render
from guichet.catalogue.models import WorkflowDefinition
from guichet.core.models import Event
from guichet.journeys.engine.simplify import simplify

from .tables import csv_rows, html_tables

PROCESS = "/agents/tableaux-de-bord/processus/"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")


def node_titles(svg: str) -> list[str]:
    return re.findall(r'<g id="pm-n\d+" class="pm-node">\s*<title>([^<]*)</title>', svg)


def three_requests():
    return log_of({
        "1": [received(0), step(0.1, "notification.sent"), *resolved_path()],
        "2": [received(0), step(0.1, "notification.sent"), *resolved_path()],
        "3": [received(0), contact(0.5), *resolved_path()],
    })  # fmt: skip


@needs_dot
def test_dot_draws_the_kept_activities_and_not_the_dropped_ones():
    # given three requests, one with a call
    log = three_requests()
    # when the map keeps every activity, then the call is drawn with its count
    svg = str(render(simplify(log)))
    assert "Relance de l'usager : 1 événement, 1 demande" in node_titles(svg)
    # when it keeps the three most frequent of five, then the call and the notification are not
    svg = str(render(simplify(log, activities=0.6)))
    titles = " ".join(node_titles(svg))
    assert "Demande reçue : 3 événements, 3 demandes" in titles
    assert "Relance" not in titles and "Notification" not in titles
    assert len(node_titles(svg)) == 3 + 2  # the three, and the start and end of requests


@needs_dot
def test_the_page_hides_notifications_unless_asked():
    log = three_requests()
    hidden = process_page.build(log, QueryDict(""))
    shown = process_page.build(log, QueryDict("systeme=1"))
    assert "Notification envoyée" not in str(hidden.svg)
    assert hidden.smap.hidden == 2
    # and the activities' table still lists them, as hidden
    rows = {row[0]: row for row in hidden.tables[0].rows}
    assert rows["Notification envoyée à l'usager"][1:3] == [2, 2]
    assert rows["Notification envoyée à l'usager"][-1] == "non (activité système masquée)"
    assert rows["Demande reçue"][-1] == "oui"
    assert any(
        t.startswith("Notification envoyée à l'usager : 2 événements")
        for t in node_titles(str(shown.svg))
    )


@needs_dot
def test_the_svg_is_rebuilt_from_an_allow_list_and_escapes_labels_from_data():
    # given an external log whose activity names are hostile
    hostile = '<script>alert(1)</script>" onload="x'
    log = log_of({"1": [received(0), step(1, hostile), step(2, "A\\NB \\l <b>gras</b>")]})
    svg = str(render(simplify(log)))
    # then every name comes back as text, and the SVG has no style, script, link or handler
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "A\\NB \\l &lt;b&gt;gras&lt;/b&gt;" in svg  # dot's escapes are not interpreted
    assert svg.startswith("<svg ") and 'role="img"' in svg and '<title id="pm-title">' in svg
    assert "<!--" not in svg and "<?xml" not in svg and "<!DOCTYPE" not in svg
    root = ET.fromstring(svg)  # noqa: S314 — our own output
    tags = {element.tag for element in root.iter()}
    attributes = {name for element in root.iter() for name in element.attrib}
    assert tags <= {"svg", "g", "title", "desc", "path", "polygon", "ellipse", "text"}
    assert not {a for a in attributes if a == "style" or a.startswith("on") or "href" in a}
    texts = [element.text for element in root.iter("text")]
    assert "<script>alert(1)</script" in texts and '>" onload="x' in texts  # wrapped


def test_without_dot_the_page_says_so_and_keeps_its_tables(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    page = process_page.build(three_requests(), QueryDict(""))
    assert "Graphviz (dot) est absent, en erreur ou trop lent" in str(page.svg)
    assert page.tables[0].rows


@needs_dot
def test_a_dot_that_hangs_is_stopped_and_the_page_says_so(monkeypatch):
    # given a layout that cannot finish in the time allowed
    monkeypatch.setattr(process_graph, "DOT_TIMEOUT_SECONDS", 1e-6)
    # then the page gives up on the drawing, says why and keeps its tables
    page = process_page.build(three_requests(), QueryDict(""))
    assert "trop lent" in str(page.svg) and "<svg" not in str(page.svg)
    assert page.tables[0].rows


@pytest.mark.django_db
def test_a_state_of_a_services_own_circuit_reads_as_its_label():
    # given a circuit stored as data with a state the default lifecycle does not have
    WorkflowDefinition.objects.create(
        slug="instruction", name="Instruction", definition={
            "initial": "depot",
            "states": [
                {"name": "depot", "label": "dépôt", "public_status": "ongoing"},
                {"name": "instruction_technique", "label": "instruction technique",
                 "public_status": "ongoing"},
            ],
            "transitions": [{"source": "depot", "target": "instruction_technique",
                             "action": "Instruire", "min_role": "case_handler"}],
        },
    )  # fmt: skip
    # then the map and its tables name the state as the circuit does, and the default ones still
    assert (
        activity_label("request.status_changed:instruction_technique")
        == "État : instruction technique"
    )
    assert activity_label("request.status_changed:unknown_state") == "État : unknown_state"
    assert activity_label("request.status_changed:resolved").startswith("État : ")


@pytest.mark.parametrize(
    "query, activities, paths",
    [("", 100, 40), ("activites=50&chemins=0", 50, 0), ("activites=0&chemins=250", 1, 100),
     ("activites=%C2%B2&chemins=-3", 100, 40), ("activites=abc&chemins=1e3", 100, 40)],
)  # fmt: skip
def test_the_sliders_read_from_the_url_fall_back_on_anything_unreadable(query, activities, paths):
    controls = process_page.Controls.from_query(QueryDict(query))
    assert (controls.activities, controls.paths) == (activities, paths)


# The page, with the dashboards' small world (Sceaux's three requests).


def test_every_event_kind_of_the_world_has_a_french_label(world):
    from guichet.core.event_labels import EVENT_LABELS

    kinds = set(Event.objects.values_list("kind", flat=True).distinct())
    assert kinds and kinds <= set(EVENT_LABELS)


@needs_dot
def test_the_sliders_shrink_the_map_and_keep_the_filters(world, client):
    # given the manager of Sceaux
    client.force_login(world.manager)
    # when they keep one activity in ten, for March 2024
    page = client.get(
        PROCESS, {"du": "2024-03-01", "activites": "10", "chemins": "0"}
    ).content.decode()
    # then the map draws the most frequent activity only, with the start and end of requests
    titles = node_titles(page)
    assert len(titles) == 3 and titles[0] == "Début des demandes"
    # and the form keeps the dates and shows the sliders' values, labelled in French
    assert '<input type="hidden" name="du" value="2024-03-01">' in page
    assert '<input type="hidden" name="activites" value="10">' in page  # in the filters' form
    assert 'id="pm-activites-value" data-unit="%">10 %</output>' in page
    assert "Part des activités affichées" in page and "Part des enchaînements affichés" in page
    assert "Afficher les activités système (notifications…)" in page
    assert 'name="activites"' in page and 'type="range"' in page


@needs_dot
def test_the_full_map_draws_one_arrow_per_path_of_its_table_and_no_inline_style(world, client):
    client.force_login(world.manager)
    query = {"chemins": "100", "systeme": "1"}
    page = client.get(PROCESS, query).content.decode()
    paths = csv_rows(
        client.get(PROCESS, {**query, "format": "csv", "table": "enchainements"}).content
    )
    assert page.count('class="pm-edge"') == len(paths) - 1 > 0
    assert all(row[-1] == "oui" for row in paths[1:])
    calls = [row for row in paths if row[0] == row[1] == "Relance de l'usager"]
    assert calls and calls[0][2] == "1" and calls[0][4] == "4,0 j"
    assert "Relance de l'usager → Relance de l'usager : 1 passage · médiane 4,0 j" in page
    assert not re.search(r"<svg.*\sstyle=.*</svg>", page, re.S)
    tables = html_tables(page.encode())
    assert {"activites", "enchainements"} <= set(tables)


def test_the_journey_and_the_person_journal_name_every_event_in_french(world, client):
    from guichet.core.event_labels import EVENT_LABELS
    from guichet.satisfaction.actions import answer_survey, open_survey

    from .conftest import SYSTEM, at

    # given Alice's slow request, resolved, its survey proposed and answered
    with at(21):
        survey = open_survey(request=world.slow, actor=SYSTEM)
    with at(22):
        answer_survey(survey=survey, resolved=True, score=4)
    # seen by Sceaux's manager
    client.force_login(world.manager)
    labels = set(EVENT_LABELS.values())
    # when they open its journey, then every step reads in French, the survey's too
    rows = html_tables(client.get("/agents/parcours/", {"reference": world.slow.reference}).content)
    steps = [row[2] for row in rows["parcours"][1:]]
    assert (
        "Enquête de satisfaction proposée" in steps and "Enquête de satisfaction remplie" in steps
    )
    assert all(step in labels or step.startswith("État : ") for step in steps), steps
    # and Alice's 360° journal too
    page = client.get(f"/agents/usagers/{world.alice.pk}/").content.decode()
    assert "Enquête de satisfaction proposée" in page and "Enquête de satisfaction remplie" in page
    assert "survey" not in page and "satisfaction :" not in page
