"""A person's answers to the satisfaction surveys, in their data export
(people.rights.export)."""

from __future__ import annotations

from typing import Any

from guichet.people.rights.export import Collector, Section, register_section
from guichet.satisfaction.models import Answer


def answers_section(collector: Collector) -> list[dict[str, Any]]:
    return [
        {
            "demande": answer.survey.request.reference,
            "resolue": answer.resolved,
            "note": answer.score,
            "commentaire": answer.comment,
            "accepte_d_etre_recontacte": answer.may_contact,
            "a_rouvert_la_demande": answer.reopened,
            "repondu_le": answer.answered_at,
        }
        for answer in Answer.objects.filter(survey__request__person_id__in=collector.person_ids)
        .select_related("survey__request")
        .order_by("answered_at", "pk")
    ]


register_section(
    Section(
        "satisfaction",
        "vos réponses aux questionnaires de satisfaction : la note, le commentaire, la date.",
        answers_section,
        order=50,
    )
)
