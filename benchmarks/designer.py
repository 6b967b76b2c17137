"""The service designer's foundation (issue 15, ADR 0027): publishing a version, and drawing a
60-field form with 20 conditions with the portal's own field renderer.

    .venv/bin/python benchmarks/designer.py [--rounds 60] [--database-url postgres://…/guichet_designer_bench]
        [--no-save]

One run in a fresh data folder (SQLite) or a PostgreSQL database dropped and created again:
migrate, the shipped catalogue, then a service « Demande d'occupation du domaine public » with
60 fields of every type the form definitions support, 20 of them shown on a condition. Timed,
each `--rounds` times:

- **publish**: `versions.start_draft`, `versions.save_draft` (the summary changed: the whole
  content checked by the one validator and the workflow checks), `versions.publish` (checked
  again, frozen, copied onto the service, the previous version retired, one event): each step
  and the three together;
- **render**: the form drawn as the portal draws it (`presentation.form_fields` and
  `catalogue/fields/field.html` for each field), from the cached parsed form (the steady
  state: a version's form is parsed once per process) and parsed again each time (cold).

Targets (issue 15): p95 under 100 ms for publishing and for the render. Results go to
benchmarks/results/designer-<date>-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime

from harness import django_on_fresh_database, save_result


def big_form() -> list[dict]:
    """60 fields, every type, 20 shown on a condition on an earlier yes/no or choice."""
    fields: list[dict] = []
    kinds = ["short_text", "long_text", "number", "date", "email", "phone", "address",
             "multiple_choice", "file", "location"]  # fmt: skip
    for block in range(20):
        switch = f"concerne_{block}"
        fields.append({"name": switch, "label": f"Rubrique {block + 1} concernée",
                       "type": "choice", "required": True,
                       "choices": [{"value": "oui", "label": "Oui"},
                                   {"value": "non", "label": "Non"}]})  # fmt: skip
        kind = kinds[block % len(kinds)]
        detail: dict = {"name": f"detail_{block}", "label": f"Précisions {block + 1}",
                        "type": kind, "help_text": "Décrivez précisément.",
                        "show_if": {"field": switch, "equals": "oui"}}  # fmt: skip
        if kind == "multiple_choice":
            detail["choices"] = [{"value": f"v{i}", "label": f"Option {i}"} for i in range(5)]
        if kind == "file":
            detail |= {"allowed_types": ["pdf", "jpeg"], "max_size_mb": 5, "max_files": 2}
        if kind == "short_text":
            detail |= {"max_length": 80, "pattern": r"[A-Za-z0-9 ]+",
                       "pattern_message": "Lettres et chiffres seulement."}  # fmt: skip
        fields.append(detail)
        fields.append({"name": f"remarque_{block}", "label": f"Remarque {block + 1}",
                       "type": "checkbox" if block % 2 else "short_text"})  # fmt: skip
    assert len(fields) == 60 and sum("show_if" in f for f in fields) == 20
    return fields


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(p95(ms), 2),
            "max_ms": round(max(ms), 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    vendor = django_on_fresh_database("designer", args.database_url)
    from django.template import engines

    from guichet.catalogue import versions
    from guichet.catalogue.actions import load_catalogue
    from guichet.catalogue.formdef import parse_form_definition
    from guichet.catalogue.models import Service
    from guichet.catalogue.presentation import form_fields
    from guichet.core.journal import Actor

    system, designer = Actor.system("benchmark"), Actor.system("concepteur")
    load_catalogue(actor=system)
    category = Service.objects.order_by("pk").first().category.slug
    document = {"services": [{
        "slug": "occupation-domaine-public-60-champs", "name": "Occupation du domaine public (60 champs)",
        "kind": "transactional", "category": category, "level": "communal",
        "summary": "Terrasse, étalage, échafaudage.", "channels": ["web", "counter"],
        "sla_working_days": 15, "form_definition": big_form(),
    }]}  # fmt: skip
    load_catalogue(source=document, actor=system)
    service = Service.objects.get(slug="occupation-domaine-public-60-champs")

    timings: dict[str, list[float]] = {"start_draft": [], "save_draft": [], "publish": [],
                                       "publish_total": []}  # fmt: skip
    for round_ in range(args.rounds):
        began = time.perf_counter()
        draft = versions.start_draft(service=service, by=designer)
        opened = time.perf_counter()
        draft = versions.save_draft(
            draft=draft, by=designer, revision=draft.revision,
            changes={"summary": f"Terrasse, étalage, échafaudage (révision {round_})."},
        )  # fmt: skip
        saved = time.perf_counter()
        versions.publish(draft=draft, by=designer, note=f"Révision {round_}.")
        done = time.perf_counter()
        timings["start_draft"].append(opened - began)
        timings["save_draft"].append(saved - opened)
        timings["publish"].append(done - saved)
        timings["publish_total"].append(done - began)
        service.refresh_from_db()

    template = engines["django"].from_string(
        '{% for field in fields %}{% include "catalogue/fields/field.html" %}{% endfor %}'
    )
    definition = service.current_version.form_definition
    warm_form = parse_form_definition(definition)
    render_warm, render_cold, html_bytes = [], [], 0
    for _ in range(args.rounds):
        began = time.perf_counter()
        html = template.render({"fields": form_fields(warm_form)})
        render_warm.append(time.perf_counter() - began)
        began = time.perf_counter()
        template.render({"fields": form_fields(parse_form_definition(definition))})
        render_cold.append(time.perf_counter() - began)
        html_bytes = len(html)

    result = {
        "benchmark": "designer",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "rounds": args.rounds,
        "form": {"fields": 60, "conditions": 20, "html_bytes": html_bytes},
        "versions_published": service.versions.exclude(status="draft").count(),
        **{name: summary(values) for name, values in timings.items()},
        "render_warm": summary(render_warm),
        "render_cold": summary(render_cold),
        "target_p95_ms": 100,
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
    }
    if args.no_save:
        print(json.dumps(result, indent=2))
    else:
        save_result("designer", vendor, result)


if __name__ == "__main__":
    main()
