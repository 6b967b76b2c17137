"""The JSON shapes of the participation API (built by `participation.api_selectors`; these
schemas document them in the OpenAPI document and check the bodies written)."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from guichet.api.v1.params import BIG_ID

# Schemas (the JSON is built by participation.api_selectors; these document it)


class PhaseOut(Schema):
    kind: str
    label: str
    state: str = Field(description="past, current ou future")
    starts_at: str
    ends_at: str
    description: str
    open_actions: list[str]


class ConsultationOut(Schema):
    id: int
    slug: str
    title: str
    authority: str
    authority_name: str
    scope: str = Field(description="authority, communes ou area")
    scope_label: str
    state: str = Field(description="open, upcoming ou closed")
    current_phase: PhaseOut | None


class DocumentOut(Schema):
    title: str
    url: str


class ConsultationDetailOut(ConsultationOut):
    description: str
    categories: list[str]
    premoderation: bool
    phases: list[PhaseOut]
    documents: list[DocumentOut]


class LinkOut(Schema):
    idea: int
    kind: str = Field(description="expand, counter, adapt, explore ou merge")
    title: str


class IdeaOut(Schema):
    id: int
    consultation: int
    title: str
    text: str
    category: str
    latitude: float | None
    longitude: float | None
    state: str
    state_label: str
    answer: str
    answer_label: str
    supports_count: int
    created_at: str
    hidden: bool
    moderation_notice: str | None = Field(description="remplace le contenu masqué")
    came_from: list[LinkOut]
    became: list[LinkOut]
    merged_into: int | None


class CommentOut(Schema):
    id: int
    parent: int | None
    text: str
    created_at: str
    hidden: bool
    moderation_notice: str | None


class IdeaDetailOut(IdeaOut):
    comments: list[CommentOut]


class StatementOut(Schema):
    id: int
    text: str
    consensus: float | None = Field(description="consensus entre groupes (0 à 1)")
    agree: int | None
    disagree: int | None
    passed: int | None
    hidden: bool
    moderation_notice: str | None


class GroupOut(Schema):
    label: str
    size: int
    representatives: list[int | None]


class OpinionOut(Schema):
    computed_at: str | None
    participants: int
    groups: list[GroupOut]
    statements: list[StatementOut]


class ObligationOut(Schema):
    duty: str
    duty_label: str
    due_at: str
    meeting_date: str | None
    answered_at: str | None
    late: bool
    answer: str


class PetitionOut(Schema):
    id: int
    authority: str
    authority_name: str
    title: str
    text: str
    status: str
    status_label: str
    opens_at: str | None
    closes_at: str | None
    signature_count: int
    threshold: int | None
    progress: int = Field(description="part du seuil atteinte, en %")
    obligation: ObligationOut | None
    hidden: bool
    moderation_notice: str | None


class PublicObligationOut(ObligationOut):
    petition: int
    petition_title: str
    authority: str
    authority_name: str


Email = Annotated[str, Field(min_length=3, max_length=254, description="courriel vérifié")]


class OnBehalfIn(Schema):
    model_config = ConfigDict(extra="forbid")
    email: Email


class IdeaIn(OnBehalfIn):
    title: Annotated[str, Field(max_length=140)]
    text: Annotated[str, Field(max_length=10_000)]
    category: Annotated[str, Field(max_length=80)] = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    parent: int | None = Field(None, ge=1, le=BIG_ID, description="idée d'origine")
    link_kind: Literal["expand", "counter", "adapt", "explore", ""] = ""


class CommentIn(OnBehalfIn):
    text: Annotated[str, Field(max_length=4000)]
    parent: int | None = Field(None, ge=1, le=BIG_ID, description="commentaire auquel répondre")


class VoteIn(OnBehalfIn):
    value: Literal["agree", "disagree", "pass"]


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    email: Email | None = None
    kind: Literal["idea", "comment", "statement", "petition"]
    id: int = Field(..., ge=1, le=BIG_ID)
    reason: Annotated[str, Field(max_length=500)]


class DoneOut(Schema):
    detail: str
    supports_count: int | None = None
    signature_count: int | None = None


class CreatedOut(Schema):
    id: int
    detail: str


class StatementIn(OnBehalfIn):
    text: Annotated[str, Field(max_length=280)]


class PetitionIn(OnBehalfIn):
    collectivite: Annotated[str, Field(max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    title: Annotated[str, Field(max_length=160)]
    text: Annotated[str, Field(max_length=5000)]
    days_open: int = Field(..., ge=1, le=3650, description="durée de la collecte, en jours")
