"""The committed OpenAPI document is the one the code generates (CI fails otherwise)."""

from __future__ import annotations

import importlib
import inspect
import json

import pytest
from django.core.management import CommandError, call_command

from guichet.api.openapi import committed_path, document_text


def test_the_committed_document_matches_the_code():
    # given the committed openapi.json
    # when the document is generated from the code
    # then they are identical (run `guichet export-openapi` after changing the API)
    assert committed_path().read_text(encoding="utf-8") == document_text()


def test_check_fails_on_a_stale_document(tmp_path):
    # given a document that differs from the code
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    # when the check runs on it
    # then it fails with a French message
    with pytest.raises(CommandError, match="pas à jour"):
        call_command("export_openapi", "--check", output=stale)


def test_export_writes_sorted_openapi_3(tmp_path):
    # given an empty folder
    target = tmp_path / "openapi.json"
    # when the document is exported
    call_command("export_openapi", output=target)
    # then it is OpenAPI 3 with the v1 paths, keys sorted, indent 2
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.")
    assert "/api/v1/requests" in document["paths"]
    assert (
        target.read_text(encoding="utf-8")
        == json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    )


def test_the_interactive_docs_page_is_served(client):
    # given the API
    # when the docs page is opened
    response = client.get("/api/v1/docs")
    # then it answers, a page declared in French (screen readers pick their voice from it)
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


def operations():
    document = json.loads(document_text())
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_french_summary_and_description_not_ninjas_english_default():
    # given every operation of the API, and the function behind it
    found = list(operations())
    assert len(found) > 20
    for name, operation in found:
        module, _, function = operation["operationId"].rpartition("_v1_")[2].partition("_")
        view = getattr(importlib.import_module(f"guichet.api.v1.{module}"), function)
        # then its summary was written for it (ninja's default is the function's name, in
        # English: « List Services », « Who Handles Here »)
        summary = operation.get("summary", "")
        assert summary and summary != function.replace("_", " ").title(), name
        # and so was its description, not the function's English docstring
        description = operation.get("description", "")
        assert description and description != inspect.getdoc(view), name
    summaries = [operation["summary"] for _name, operation in found]
    assert len(set(summaries)) == len(summaries)  # one name per operation
    assert "Qui traite ce service ici" in summaries and "Lister les services" in summaries
