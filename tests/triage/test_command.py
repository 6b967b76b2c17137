"""`guichet triage evaluate` on CSV exports: text and JSON, separators, BOM, bad files."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guichet.triage import synthetic


def write_csv(path, *, delimiter=",", encoding="utf-8", rows=400):
    texts, labels = synthetic.corpus(rows)
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.writer(f, delimiter=delimiter)
        out.writerow(["objet", "description", "service"])
        for text, label in zip(texts, labels, strict=True):
            out.writerow(["", text, label])
    return path


def run(*args) -> str:
    out = StringIO()
    call_command("triage", "evaluate", *args, stdout=out)
    return out.getvalue()


def test_text_report_in_french_with_both_baselines(tmp_path):
    path = write_csv(tmp_path / "export.csv")
    text = run("--csv", str(path), "--text", "objet,description", "--label", "service")
    assert "400 exemples, 13 étiquettes ; apprentissage sur 320, test sur 80" in text
    assert "Classifieur : exactitude" in text and "Classe majoritaire (« " in text
    assert "Meilleur mot-clé par étiquette" in text


def test_json_report_from_a_semicolon_file_with_a_bom(tmp_path):
    path = write_csv(tmp_path / "export.csv", delimiter=";", encoding="utf-8-sig")
    result = json.loads(
        run("--csv", str(path), "--text", "description", "--label", "service", "--format", "json")
    )
    assert result["rows"] == 400 and result["test_size"] == 80 and result["stratified"]
    assert result["accuracy"] > result["keyword_accuracy"] > result["majority_accuracy"]


def test_a_file_not_in_utf8_gets_a_french_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("texte,service\nréverbère éteint,eclairage\n".encode("latin-1"))
    with pytest.raises(CommandError, match="pas encodé en UTF-8"):
        run("--csv", str(path), "--text", "texte", "--label", "service")


def test_a_missing_column_lists_the_available_ones(tmp_path):
    path = write_csv(tmp_path / "export.csv", rows=20)
    with pytest.raises(CommandError) as error:
        run("--csv", str(path), "--text", "texte", "--label", "categorie")
    assert str(error.value) == (
        "Colonnes absentes du fichier : texte, categorie. "
        "Colonnes disponibles : objet, description, service."
    )


def test_a_missing_file_gets_a_french_error(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire le fichier"):
        run("--csv", str(tmp_path / "absent.csv"), "--text", "a", "--label", "b")
