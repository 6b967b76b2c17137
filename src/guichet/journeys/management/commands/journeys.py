"""`guichet journeys report|process-map|variants|export|refresh|forecast` (docs/journeys.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from guichet.core.plurals import ngettext
from guichet.journeys import engine, store
from guichet.journeys.cli_output import Progress, report_text, table_text
from guichet.journeys.engine.simplify import END, START

PARIS = ZoneInfo("Europe/Paris")
LARGE_LOG = 200_000  # events: above this, `report` shows its progress


def _moment(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"Date illisible : « {value} » (attendu : AAAA-MM-JJ).")
        moment = datetime.combine(day, time())
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment


def _values(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for item in values or [] for v in item.split(",") if v.strip())


class Command(BaseCommand):
    help = "Analyse des parcours : figures, carte des processus, variantes, exports, prévision."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        report = actions.add_parser("report", help="les chiffres d'une période")
        report.add_argument("--by", choices=engine.DIMENSIONS, help="découper par segment")
        report.add_argument("--period", choices=list(engine.PERIODS), default="month")
        report.add_argument("--as-of", help="date d'arrêt des compteurs (défaut : maintenant)")
        report.add_argument("--silence-days", type=float, default=10)
        report.add_argument("--abandonment-days", type=float, default=30)
        process_map = actions.add_parser("process-map", help="la carte des processus")
        process_map.add_argument(
            "--activites", type=float, default=100, metavar="POURCENTAGE",
            help="part des activités gardées, les plus fréquentes d'abord (défaut : 100)",
        )  # fmt: skip
        process_map.add_argument(
            "--chemins", type=float, default=100, metavar="POURCENTAGE",
            help="part des enchaînements gardés, les plus fréquents d'abord (défaut : 100)",
        )  # fmt: skip
        variants = actions.add_parser("variants", help="les variantes de parcours")
        variants.add_argument("--limit", type=int, default=0, help="les N plus fréquentes")
        export = actions.add_parser("export", help="exporter le journal filtré")
        export.add_argument("--output", required=True)
        forecast = actions.add_parser("forecast", help="la demande des 8 prochaines semaines")
        forecast.add_argument("--horizon", type=int, default=8)
        forecast.add_argument("--backtest-weeks", type=int, default=4)
        actions.add_parser("refresh", help="mettre à jour la copie Parquet du journal")
        for sub, formats in (
            (report, ("text", "json")),
            (process_map, ("text", "json")),
            (variants, ("text", "json")),
            (forecast, ("text", "json")),
            (export, engine.writing.FORMATS),
        ):
            sub.add_argument("--format", choices=formats, default=formats[0])
            sub.add_argument(
                "--log", help="un journal externe (.csv, .parquet, .xes, compressés .gz ou non)"
            )
            sub.add_argument("--since", help="cas commencés à partir de cette date")
            sub.add_argument("--until", help="cas commencés avant cette date")
            for name in engine.SEGMENTS:
                sub.add_argument(
                    f"--{name}",
                    action="append",
                    help="une ou plusieurs valeurs, séparées par des virgules",
                )

    def handle(self, *args, **options):
        action = options["action"]
        if action == "refresh":
            done = store.refresh()
            self.stdout.write(
                ngettext(
                    "%(n)d événement ajouté à la copie analytique",
                    "%(n)d événements ajoutés à la copie analytique",
                    done.exported,
                )
                % {"n": done.exported}
                + ngettext(" (%(n)d demande)", " (%(n)d demandes)", done.cases) % {"n": done.cases}
                + f"{' — copie reconstruite' if done.rebuilt else ''}."
            )
            return
        with Progress(self.stderr._out, enabled=action == "report") as progress:
            log = self._log(options, progress)
            handler = getattr(self, "_" + action.replace("-", "_"))
            handler(log, options, progress)

    def _log(self, options, progress: Progress) -> engine.EventLog:
        progress.step("Lecture du journal")
        try:
            log = engine.read_log(options["log"]) if options["log"] else store.journal_log()
        except engine.LogFileError as error:
            raise CommandError(str(error)) from error
        filters = engine.Filters(
            **{name: _values(options.get(name)) for name in engine.SEGMENTS},
            since=_moment(options["since"]) if options.get("since") else None,
            until=_moment(options["until"]) if options.get("until") else None,
        )
        progress.large = log.event_count >= LARGE_LOG
        return engine.filter_log(log, filters)

    def _write(self, payload, text: str, options) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(text)

    def _report(self, log, options, progress) -> None:
        as_of = _moment(options["as_of"]) if options.get("as_of") else datetime.now(tz=UTC)
        thresholds = engine.Thresholds(
            silence_days=options["silence_days"], abandonment_days=options["abandonment_days"]
        )
        progress.step("Parcours et irritants")
        figures = engine.case_figures(log, as_of=as_of, thresholds=thresholds)
        progress.step("Agrégation")
        overall = engine.summary(figures, is_guichet=log.is_guichet)
        rows = overall.to_dicts()
        payload = {"source": log.origin, "as_of": as_of.isoformat(), "overall": rows[0]}
        if options.get("by"):
            by = engine.summary(
                figures, is_guichet=log.is_guichet, by=options["by"], period=options["period"]
            )
            payload["by"] = {"dimension": options["by"], "rows": by.to_dicts()}
        progress.done()
        self._write(payload, report_text(payload), options)

    def _process_map(self, log, options, progress) -> None:
        if options["activites"] >= 100 and options["chemins"] >= 100:
            found = engine.process_map(log)
            text = table_text(found.edges, "Carte des processus (enchaînements directs)")
            self._write(found.as_dict(), text, options)
            return
        # Simplified as the dashboard's sliders do (docs/journeys.md); a case's start and end
        # are the paths from "(début)" and to "(fin)".
        smap = engine.simplify(
            log, activities=options["activites"] / 100, paths=options["chemins"] / 100
        )
        ends = {START: "(début)", END: "(fin)"}
        edges = smap.kept_edges.drop("kept").with_columns(pl.col("source", "target").replace(ends))
        activities = smap.activities.filter("kept").drop("kept")
        text = (
            table_text(activities, "Activités gardées")
            + "\n"
            + table_text(edges, "Enchaînements gardés")
        )
        self._write({"activities": activities.to_dicts(), "edges": edges.to_dicts()}, text, options)

    def _variants(self, log, options, progress) -> None:
        found = engine.variants(log)
        if options["limit"]:
            found = found.head(options["limit"])
        shown = found.with_columns(pl.col("activities").list.join(" → "))
        self._write(found.to_dicts(), table_text(shown, "Variantes de parcours"), options)

    def _export(self, log, options, progress) -> None:
        path = engine.write_log(log, Path(options["output"]), options["format"])
        self.stdout.write(
            ngettext("%(n)d événement", "%(n)d événements", log.event_count)
            % {"n": log.event_count}
            + ngettext(" de %(n)d parcours exporté", " de %(n)d parcours exportés", log.case_count)
            % {"n": log.case_count}
            + f" en {options['format'].upper()} : {path}"
        )

    def _forecast(self, log, options, progress) -> None:
        found = engine.forecast_demand(
            log, horizon=options["horizon"], backtest_weeks=options["backtest_weeks"]
        )
        payload = [series.as_dict() for series in found]
        rows = pl.DataFrame(
            [
                {
                    "service": s["service"],
                    "commune": s["commune"],
                    "modèle": s["model"],
                    "semaines": s["history_weeks"],
                    "prévision": " ".join(f"{p['requests']:.0f}" for p in s["forecast"]),
                    "MAE": s["backtest_mae"],
                    "MAPE": s["backtest_mape"],
                }  # fmt: skip
                for s in payload
            ]
        )
        self._write(payload, table_text(rows, "Prévision hebdomadaire de la demande"), options)
