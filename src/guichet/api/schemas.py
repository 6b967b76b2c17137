"""The API's documents: what comes in (…In) and what goes out (…Out).

Outputs are built by the `*_out` functions from model rows, so a reader sees every field in
one place and no query hides in a resolver.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from guichet.api import text
from guichet.catalogue.models import Channel

ChannelName = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
# A one-line text stored as sent (api.text: ends stripped; control characters and line
# breaks refused with a 422 naming the field).
Line = Annotated[str, AfterValidator(text.line)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class FieldError(Schema):
    field: str = Field(description="le champ en cause (« __all__ » pour la requête entière)")
    code: str
    message: str = Field(description="message en français, à montrer tel quel")


class ErrorOut(Schema):
    detail: str = Field(description="message en français, à montrer tel quel")
    code: str = Field(description="code stable, pour les programmes")
    errors: list[FieldError] = []


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 422, 429)}


# Catalogue, authorities, territory


class ServiceOut(Schema):
    slug: str
    name: str
    kind: str
    category: str
    summary: str
    level: str
    channels: list[str]
    sla_working_days: int | None
    accepts_requests: bool


class ServiceDetailOut(ServiceOut):
    description: str
    required_documents: list[Any]
    form_definition: list[dict[str, Any]]


class AuthorityOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    siren: str
    commune: str | None = Field(description="code INSEE de la commune, pour une commune")
    website: str
    contact_email: str
    contact_phone: str


class CommuneOut(Schema):
    code: str
    name: str
    departement: str | None
    postcodes: list[str]
    population: int | None


class CompetenceOut(Schema):
    service: str
    commune: CommuneOut
    available: bool
    authority: AuthorityOut | None
    via: str = Field(description="default, transfer ou delegation")
    reason: str
    acts_for: AuthorityOut | None


# Requests


class PersonIn(Strict):
    email: Line | None = Field(None, max_length=254)
    phone: Line | None = Field(None, max_length=32)
    first_name: Line = Field("", max_length=120)
    last_name: Line = Field("", max_length=120)


Description = Annotated[str, AfterValidator(lambda value: text.clean(value))]


class RequestIn(Strict):
    service: str | None = Field(
        None, max_length=80,
        description="code du service (voir /services) ; sans code, `description` est requise "
        "et la demande est orientée par le tri automatique",
    )  # fmt: skip
    description: Description | None = Field(
        None, max_length=2000,
        description="la demande en texte libre, quand le service n'est pas connu",
    )  # fmt: skip
    person: PersonIn
    form_data: Annotated[dict[str, Any], AfterValidator(text.refuse_controls)] = Field(
        default_factory=dict, description="réponses au formulaire"
    )
    commune: str | None = Field(None, max_length=5, description="code INSEE de la commune")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    address: Line = Field("", max_length=300)


class AnswerOut(Schema):
    field: str = Field(description="le nom du champ")
    label: str = Field(description="son libellé dans la version du formulaire déposée")
    text: str = Field(description="la réponse en clair (choix par leur libellé, dates JJ/MM/AAAA)")


class RequestOut(Schema):
    reference: str
    service: str
    service_name: str
    service_version: int | None = Field(
        description="le numéro de la version du service avec laquelle la demande a été déposée"
    )
    authority_id: int
    authority: str
    team: str | None
    assignee: str | None
    person_id: int
    channel: str
    state: str
    state_label: str
    public_status: str
    summary: str
    form_data: dict[str, Any]
    answers: list[AnswerOut] = Field(
        description="les réponses avec les libellés de la version du formulaire déposée"
    )
    address: str
    commune: str | None
    latitude: float | None
    longitude: float | None
    received_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    duplicate_of: str | None = Field(
        description="la référence de la demande dans laquelle celle-ci a été fusionnée (même "
        "problème au même endroit), sinon null"
    )
    duplicates: int = Field(description="le nombre de demandes fusionnées dans celle-ci")


class RequestPage(Schema):
    items: list[RequestOut]
    next_cursor: str | None = Field(description="à passer en « cursor » pour la page suivante")


class TransitionIn(Strict):
    to: str = Field(max_length=32, description="l'état visé")
    note: str = Field("", max_length=5000)
    expected_state: str | None = Field(
        None, max_length=32, description="l'état vu par le client : 409 si la demande a bougé"
    )


class TransitionOut(Schema):
    to: str
    label: str
    action: str
    comment_required: bool


class MessageIn(Strict):
    body: str = Field(min_length=1, max_length=5000)
    internal: bool = Field(False, description="note interne, jamais montrée à l'usager")


class MessageOut(Schema):
    id: int
    author_type: str
    author: str | None
    body: str
    internal: bool
    channel: str
    created_at: datetime
    attachments: list[int]


class ContactIn(Strict):
    channel: ChannelName
    note: str = Field("", max_length=2000)


class ContactOut(Schema):
    id: int
    occurred_at: datetime
    channel: str
    note: str
    resource: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    field_name: str
    internal: bool
    uploaded_at: datetime
    message_id: int | None


# People and the journal


class IdentityOut(Schema):
    kind: str
    value: str
    verification: int


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    category: str
    commune: str | None


class PersonDetailOut(PersonOut):
    address: str
    identities: list[IdentityOut]
    requests: list[str] = Field(description="références des demandes de vos collectivités")


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    occurred_at: datetime
    kind: str
    label: str = Field(description="le nom français du type d'événement")
    actor_type: str
    resource: str
    channel: str
    authority_id: int | None
    person_id: int | None
    request: str | None = Field(description="référence de la demande concernée")
    visible_to_person: bool
    payload: dict[str, Any]


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class MeOut(Schema):
    kind: Literal["api_key", "agent"]
    name: str
    scopes: list[str]
    authorities: list[AuthorityOut]
