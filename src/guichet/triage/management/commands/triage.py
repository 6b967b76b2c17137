"""`guichet triage evaluate --csv FILE --text COL[,COL…] --label COL [--format json]` and
`guichet triage train [--authority SLUG]` (ADR 0028)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guichet.authorities.models import Authority
from guichet.core.plurals import ngettext
from guichet.triage import actions, classifier
from guichet.triage.csvdata import CsvError, read_labelled


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %".replace(".", ",")


def _dec(value: float) -> str:
    return f"{value:.3f}".replace(".", ",")


def report(result: classifier.Evaluation, total: int) -> str:
    labels = len(result.labels)
    lines = [
        f"{total} {ngettext('exemple', 'exemples', total)}, {labels} "
        f"{ngettext('étiquette', 'étiquettes', labels)} ; apprentissage sur {result.train_size}, "
        f"test sur {result.test_size} (graine {classifier.SEED}"
        f"{', tirage stratifié' if result.stratified else ', tirage non stratifié'}).",
        f"Classifieur : exactitude {_pct(result.accuracy)}, F1 macro {_dec(result.macro_f1)}.",
        f"Classe majoritaire (« {result.majority_label} ») : exactitude "
        f"{_pct(result.majority_accuracy)}, F1 macro {_dec(result.majority_macro_f1)}.",
        f"Meilleur mot-clé par étiquette : exactitude {_pct(result.keyword_accuracy)}, "
        f"F1 macro {_dec(result.keyword_macro_f1)}.",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Évalue ou entraîne le tri automatique des demandes en texte libre."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        evaluate = sub.add_parser("evaluate", help="Évaluer sur un CSV étiqueté (80 % / 20 %).")
        evaluate.add_argument("--csv", required=True, help="fichier CSV (UTF-8, ; ou ,)")
        evaluate.add_argument(
            "--text", required=True, help="colonnes de texte, séparées par des virgules"
        )
        evaluate.add_argument("--label", required=True, help="colonne de l'étiquette")
        evaluate.add_argument("--format", choices=["text", "json"], default="text")
        train = sub.add_parser("train", help="Entraîner une nouvelle version par collectivité.")
        train.add_argument("--authority", help="identifiant (slug) d'une seule collectivité")
        threshold = sub.add_parser("threshold", help="Changer le seuil d'orientation automatique.")
        threshold.add_argument("--authority", required=True, help="identifiant de la collectivité")
        threshold.add_argument("--value", required=True, type=float, help="entre 0,5 et 1")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "evaluate":
            self._evaluate(options)
        elif options["subcommand"] == "threshold":
            self._threshold(options["authority"], options["value"])
        else:
            self._train(options.get("authority"))

    def _evaluate(self, options: dict[str, Any]) -> None:
        columns = [c.strip() for c in options["text"].split(",") if c.strip()]
        if not columns:
            raise CommandError("Indiquez au moins une colonne de texte (--text).")
        try:
            texts, labels = read_labelled(options["csv"], columns, options["label"].strip())
            result = classifier.evaluate(texts, labels)
        except (CsvError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps({"rows": len(texts), **result.as_dict()}, indent=2))
        else:
            self.stdout.write(report(result, len(texts)))

    def _threshold(self, slug: str, value: float) -> None:
        authority = Authority.objects.filter(slug=slug).first()
        if authority is None:
            raise CommandError(f"Aucune collectivité « {slug} ».")
        try:
            row = actions.set_threshold(authority=authority, threshold=value, actor=actions.SYSTEM)
        except actions.TriageError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{authority.name} : seuil de la version {row.version} fixé à {_pct(row.threshold)}."
        )

    def _train(self, slug: str | None) -> None:
        authorities = Authority.objects.filter(is_active=True).order_by("pk")
        if slug:
            authorities = authorities.filter(slug=slug)
            if not authorities.exists():
                raise CommandError(f"Aucune collectivité active « {slug} ».")
        for authority in authorities:
            try:
                row = actions.train_model(authority=authority, actor=actions.SYSTEM)
            except actions.TriageError as error:
                self.stdout.write(f"{authority.name} : non entraîné ({error})")
                continue
            self.stdout.write(
                f"{authority.name} : version {row.version}, {row.trained_on} demandes, "
                f"exactitude {_pct(row.accuracy)}, F1 macro {_dec(row.macro_f1)}."
            )
