"""Text output and progress for the `journeys` command (French, for people at a terminal)."""

from __future__ import annotations

from typing import IO

import polars as pl
from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

LABELS = {
    "cases": "parcours",
    "open": "en cours",
    "events": "événements",
    "lead_time_mean_days": "durée moyenne (jours)",
    "lead_time_median_days": "durée médiane (jours)",
    "lead_time_p90_days": "durée 9e décile (jours)",
    "user_wait_days": "attente de l'usager (jours cumulés)",
    "admin_wait_days": "attente de l'administration (jours cumulés)",
    "contacts": "relances entrantes",
    "answers": "réponses au questionnaire de satisfaction",
    "satisfaction_score_mean": "note de satisfaction moyenne (sur 5)",
    "repeat_contact_rate": "relances répétées (2 contacts ou plus)",
    "contact_burst_rate": "relances en rafale (3 en 14 jours)",
    "first_contact_resolution_rate": "résolution au premier contact",
    "long_silence_rate": "longs silences",
    "deadline_breached_rate": "délais dépassés",
    "at_risk_rate": "délais menacés (parmi les demandes en cours)",
    "rework_rate": "boucles de reprise",
    "ping_pong_rate": "allers-retours entre services ou collectivités",
    "channel_switch_rate": "changements de canal",
    "reopened_rate": "réouvertures",
    "abandoned_rate": "abandons (attente de l'usager sans réponse)",
    "dissatisfied_rate": "insatisfaction après clôture (parmi les réponses)",
}


def _value(name: str, value) -> str:
    if value is None:
        return "indisponible"
    if name.endswith("_rate"):
        return f"{100 * value:.1f} %"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def report_text(payload: dict) -> str:
    lines = [f"Parcours — source : {payload['source']} (au {payload['as_of'][:10]})", ""]
    for name, value in payload["overall"].items():
        lines.append(f"  {LABELS.get(name, name):<52} {_value(name, value)}")
    if "by" in payload:
        frame = pl.DataFrame(payload["by"]["rows"], infer_schema_length=None)
        # A terminal cannot show 24 columns: the group, its volume and the rates it can tell.
        rates = [
            n for n in frame.columns if n.endswith("_rate") and frame[n].null_count() < frame.height
        ]
        shown = frame.select(
            frame.columns[0], "cases", "open", "lead_time_median_days", *rates
        ).with_columns(pl.col(pl.Float64).round(3))
        renamed = shown.rename(lambda n: n.removesuffix("_rate"))
        lines += ["", table_text(renamed, f"Par {payload['by']['dimension']}")]
    return "\n".join(lines)


def table_text(frame: pl.DataFrame, title: str) -> str:
    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=200):
        return f"{title}\n{frame}"


class Progress:
    """Named steps shown as a rich spinner on a terminal, for large logs only."""

    def __init__(self, stream: IO[str], *, enabled: bool) -> None:
        console = Console(file=stream)
        self.large = False
        self._enabled = enabled and console.is_terminal
        self._progress = RichProgress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=console, transient=True, disable=not self._enabled,
        )  # fmt: skip
        self._task = None

    def __enter__(self) -> Progress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def step(self, description: str) -> None:
        # Reading always shows (we do not know the size yet); later steps only on large logs.
        if self._task is None:
            self._task = self._progress.add_task(description, total=None)
        elif self.large:
            self._progress.update(self._task, description=description)

    def done(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, visible=False)
