"""The background task that builds a contract's quality report (`guichet worker` runs it)."""

from __future__ import annotations

import logging

from django_tasks import task

from guichet.contracts import actions
from guichet.contracts.models import Report

logger = logging.getLogger(__name__)


@task()
def build_report(report_id: int) -> str:
    """Build report `report_id` once (a second run finds it taken). Returns its state."""
    return run_report(report_id)


def enqueue(report_id: int) -> None:
    build_report.enqueue(report_id)


def run_report(report_id: int) -> str:
    from guichet.backoffice.contracts.report.build import render

    report = actions.claim_report(report_id=report_id)
    if report is None:
        return "déjà traité"
    try:
        status, out = render(
            report,
            lambda done, total: actions.record_progress(report=report, done=done, total=total),
        )
    except Exception as error:
        logger.exception("contract report %s failed", report_id)
        actions.finish_report(
            report=report, status=Report.Status.FAILED,
            message=f"La génération a échoué ({type(error).__name__}). Réessayez ou contactez "
            "l'administrateur de la plateforme.",
        )  # fmt: skip
        return "échec"
    if status == Report.Status.EMPTY:
        actions.finish_report(report=report, status=status, message=out["message"])
        return "vide"
    actions.finish_report(report=report, status=status, files=out)
    return "prêt"
