"""Participation in the REST API (issue 17): public reads without a key, writes with a key on
behalf of a verified person.

Reads answer anyone (rate-limited per address, `Cache-Control` 30 s); hidden contributions
carry the moderation notice in place of their content (`participation.api_selectors`).
Writes need a key with the `write` scope (or an agent's session) of the consultation's or
petition's authority, and name the person by an e-mail address she verified (`email`): the
application has checked her, Guichet checks the identity is verified. Each write calls the
participation action; its refusals keep their French message (ADR 0043).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Literal

from django.http import Http404, JsonResponse
from ninja import Path, Query, Router
from pydantic import Field

from guichet.api import schemas
from guichet.api.caller import Caller
from guichet.api.idempotency import run_once
from guichet.api.security import ApiError, Forbidden, RateLimited, refuse_nul
from guichet.api.v1.params import BIG_ID
from guichet.api.v1.participation_schemas import (
    CommentIn,
    ConsultationDetailOut,
    ConsultationOut,
    CreatedOut,
    DoneOut,
    IdeaDetailOut,
    IdeaIn,
    IdeaOut,
    OnBehalfIn,
    OpinionOut,
    PetitionIn,
    PetitionOut,
    PublicObligationOut,
    ReportIn,
    StatementIn,
    VoteIn,
)
from guichet.authorities.models import Authority
from guichet.core import ratelimit
from guichet.participation import api_selectors as reads
from guichet.participation import eligibility, moderation
from guichet.participation.actions import ideas as idea_actions
from guichet.participation.actions import moderation as moderation_actions
from guichet.participation.actions import opinion as opinion_actions
from guichet.participation.actions import petitions as petition_actions
from guichet.participation.models.ideas import Comment, Idea, IdeaLink
from guichet.participation.refusals import Refused
from guichet.people.identifiers import IdentifierError, normalise_email
from guichet.people.models import Identity, Person, Verification

router = Router(tags=["participation"])
E = schemas.ERRORS
PUBLIC_RATE_LIMIT = 300  # keyless calls per minute per address
CACHE_SECONDS = 30
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID = Path(..., ge=1, le=BIG_ID)
IDEMPOTENT = {
    "parameters": [
        {
            "in": "header", "name": "Idempotency-Key", "required": False,
            "description": "une nouvelle tentative avec la même clé renvoie la première réponse",
            "schema": {"type": "string", "maxLength": 255},
        }
    ]
}  # fmt: skip
VOTES = {"agree": 1, "disagree": -1, "pass": 0}
# The API's kind → the model label moderation looks contributions up by ("participation.idea").
REPORTABLE = {
    kind: f"participation.{kind}" for kind in ("idea", "comment", "statement", "petition")
}
NEEDS_CODES = {"identity": "identite_insuffisante", "residence": "hors_territoire",
               "phase": "etape_fermee", "blocked": "auteur_bloque"}  # fmt: skip


# Keyless reads


def _limit(http_request) -> None:
    refuse_nul(http_request)
    verdict = ratelimit.hit(
        "api-public", ratelimit.client_address(http_request), limit=PUBLIC_RATE_LIMIT, window=60
    )
    if not verdict.allowed:
        retry = max(verdict.retry_after, 1)
        raise RateLimited(
            f"Trop de requêtes depuis votre adresse : réessayez dans {retry} s.",
            headers={"Retry-After": str(retry)},
        )


def _public(data) -> JsonResponse:
    response = JsonResponse(data, safe=False)
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _consultation(pk: int):
    found = reads.consultation_by_id(pk)
    if found is None:
        raise Http404("Consultation introuvable.")
    return found


def _idea(pk: int) -> Idea:
    found = reads.public_idea(pk)
    if found is None:
        raise Http404("Idée introuvable.")
    return found


KEYLESS = "Sans clé ; 300 appels par minute et par adresse ; réponse gardée 30 s."


@router.get(
    "/participation/consultations", auth=None, response={200: list[ConsultationOut], **E},
    summary="Lister les consultations",
    description="Les consultations publiées, avec leur périmètre et l'étape en cours. " + KEYLESS,
)  # fmt: skip
def list_consultations(
    request,
    collectivite: Annotated[str, Field(max_length=80, pattern=SLUG)] | None = Query(
        None, description="identifiant (slug) d'une collectivité"
    ),
    etat: Literal["open", "upcoming", "closed"] | None = Query(None, description="état"),
):
    _limit(request)
    return _public(reads.consultations(authority=collectivite or "", state=etat or ""))


@router.get(
    "/participation/consultations/{consultation_id}", auth=None,
    response={200: ConsultationDetailOut, **E}, summary="Consulter une consultation",
    description="Une consultation publiée avec ses étapes, ses catégories et ses documents. "
    + KEYLESS,
)  # fmt: skip
def get_consultation(request, consultation_id: int = ID):
    _limit(request)
    return _public(reads.consultation_detail(_consultation(consultation_id)))


@router.get(
    "/participation/consultations/{consultation_id}/ideas", auth=None,
    response={200: list[IdeaOut], **E}, summary="Lister les idées d'une consultation",
    description=(
        "Les idées, les plus soutenues d'abord, avec leur généalogie (d'où elles viennent, ce "
        "qu'elles sont devenues). Une idée masquée montre l'avis de la modération à la place "
        "de son contenu. " + KEYLESS
    ),
)  # fmt: skip
def list_ideas(request, consultation_id: int = ID):
    _limit(request)
    return _public(reads.ideas_of(_consultation(consultation_id)))


@router.get(
    "/participation/ideas/{idea_id}", auth=None, response={200: IdeaDetailOut, **E},
    summary="Consulter une idée",
    description="Une idée, sa généalogie et ses commentaires (les masqués remplacés par l'avis "
    "de la modération). " + KEYLESS,
)  # fmt: skip
def get_idea(request, idea_id: int = ID):
    _limit(request)
    return _public(reads.idea_detail(_idea(idea_id)))


@router.get(
    "/participation/consultations/{consultation_id}/statements", auth=None,
    response={200: OpinionOut, **E}, summary="Carte des opinions d'une consultation",
    description=(
        "Les affirmations avec leur consensus entre groupes d'opinion, et les groupes (taille, "
        "affirmations représentatives), d'après le dernier calcul. " + KEYLESS
    ),
)  # fmt: skip
def list_statements(request, consultation_id: int = ID):
    _limit(request)
    return _public(reads.statements_of(_consultation(consultation_id)))


@router.get(
    "/participation/petitions", auth=None, response={200: list[PetitionOut], **E},
    summary="Lister les pétitions",
    description=(
        "Les pétitions ouvertes ou closes : signatures, seuil, et l'obligation née du seuil "
        "(échéance, retard). " + KEYLESS
    ),
)  # fmt: skip
def list_petitions(
    request,
    collectivite: Annotated[str, Field(max_length=80, pattern=SLUG)] | None = Query(
        None, description="identifiant (slug) d'une collectivité"
    ),
):
    _limit(request)
    return _public(reads.petitions(authority=collectivite or ""))


@router.get(
    "/participation/obligations", auth=None, response={200: list[PublicObligationOut], **E},
    summary="Lister les obligations de réponse",
    description="Les obligations nées des pétitions, les retards d'abord, avec leur échéance. "
    + KEYLESS,
)  # fmt: skip
def list_obligations(request):
    _limit(request)
    return _public(reads.obligations())


# Keyed writes on behalf of a verified person


def verified_person(email: str) -> Person:
    """The person whose e-mail `email` is verified; 403 in French otherwise."""
    try:
        value = normalise_email(email)
    except IdentifierError as refused:
        raise ApiError(
            str(refused), code="donnees_invalides", status=422,
            errors=[{"field": "email", "code": "invalide", "message": str(refused)}],
        ) from None  # fmt: skip
    identity = (
        Identity.objects.filter(
            kind=Identity.Kind.EMAIL, value=value, verification__gte=Verification.EMAIL_VERIFIED
        )
        .select_related("person")
        .first()
    )
    if identity is None or identity.person.is_erased:
        raise Forbidden(
            "Aucune personne n'a vérifié ce courriel : elle doit le confirmer (code reçu par "
            "courriel) avant que l'application agisse pour elle.",
            code="personne_non_verifiee",
        )
    return identity.person


def _for_authority(caller: Caller, authority_id: int) -> None:
    if authority_id not in caller.authority_ids:
        raise Forbidden(
            "Votre clé n'agit pas pour la collectivité qui mène cette participation.",
            code="hors_competence",
        )


@contextmanager
def _refusals():
    """The actions' French refusals as API errors: field errors 422, conflicts 409,
    eligibility 403 (409 when the phase is closed)."""
    try:
        yield
    except eligibility.NotAllowed as refused:
        status = 409 if refused.needs == "phase" else 403
        raise ApiError(
            refused.message, code=NEEDS_CODES.get(refused.needs, "non_autorise"), status=status
        ) from None
    except Refused as refused:
        fields = {name: msgs for name, msgs in refused.errors.items() if name}
        if fields:
            errors = [{"field": n, "code": "invalide", "message": m}
                      for n, msgs in fields.items() for m in msgs]  # fmt: skip
            raise ApiError(
                str(refused), code="donnees_invalides", status=422, errors=errors
            ) from None
        raise ApiError(str(refused), code="refus", status=409) from None


def _act(request, perform):
    caller: Caller = request.auth
    return run_once(request, caller, perform)


@router.post(
    "/participation/consultations/{consultation_id}/ideas", openapi_extra=IDEMPOTENT,
    response={201: CreatedOut, **E}, summary="Proposer une idée",
    description=(
        "Propose une idée au nom de la personne dont le courriel vérifié est donné (`email`), "
        "éventuellement issue d'une autre (`parent`, `link_kind`). Refus en français quand "
        "l'étape, le niveau d'identité ou le territoire ne le permettent pas."
    ),
)  # fmt: skip
def propose_idea(request, payload: IdeaIn, consultation_id: int = ID):
    def perform():
        consultation = _consultation(consultation_id)
        _for_authority(request.auth, consultation.authority_id)
        person = verified_person(payload.email)
        parent = None
        if payload.parent is not None:
            parent = reads.public_idea(payload.parent)
            if parent is None:
                raise ApiError("Idée d'origine introuvable.", code="introuvable", status=422,
                               errors=[{"field": "parent", "code": "introuvable",
                                        "message": "Idée d'origine introuvable."}])  # fmt: skip
        with _refusals():
            idea = idea_actions.propose_idea(
                consultation=consultation, person=person, title=payload.title,
                text=payload.text, category=payload.category, latitude=payload.latitude,
                longitude=payload.longitude, parent=parent,
                link_kind=payload.link_kind or (IdeaLink.Kind.EXPAND if parent else ""),
            )  # fmt: skip
        detail = ("Idée proposée : elle sera publiée après modération."
                  if idea.state == Idea.State.PENDING else "Idée publiée.")  # fmt: skip
        return 201, {"id": idea.pk, "detail": detail}

    return _act(request, perform)


def _support(request, idea_id: int, email: str, withdraw: bool):
    def perform():
        idea = _idea(idea_id)
        _for_authority(request.auth, idea.consultation.authority_id)
        person = verified_person(email)
        with _refusals():
            if withdraw:
                idea_actions.withdraw_support(idea=idea, person=person)
            else:
                idea_actions.support_idea(idea=idea, person=person)
        idea.refresh_from_db(fields=["supports_count"])
        detail = "Soutien retiré." if withdraw else "Soutien enregistré."
        return 200, {"detail": detail, "supports_count": idea.supports_count}

    return _act(request, perform)


@router.post(
    "/participation/ideas/{idea_id}/support", openapi_extra=IDEMPOTENT,
    response={200: DoneOut, **E}, summary="Soutenir une idée",
    description="Enregistre le soutien de la personne (une fois par personne et par idée ; un "
    "second soutien est refusé par un 409).",
)  # fmt: skip
def support_idea(request, payload: OnBehalfIn, idea_id: int = ID):
    return _support(request, idea_id, payload.email, withdraw=False)


@router.post(
    "/participation/ideas/{idea_id}/support/withdraw", openapi_extra=IDEMPOTENT,
    response={200: DoneOut, **E}, summary="Retirer son soutien à une idée",
    description="Retire le soutien de la personne, tant que l'étape permet de soutenir.",
)  # fmt: skip
def withdraw_support(request, payload: OnBehalfIn, idea_id: int = ID):
    return _support(request, idea_id, payload.email, withdraw=True)


@router.post(
    "/participation/ideas/{idea_id}/comments", openapi_extra=IDEMPOTENT,
    response={201: CreatedOut, **E}, summary="Commenter une idée",
    description="Ajoute un commentaire de la personne, ou une réponse à un commentaire "
    "(`parent`).",
)  # fmt: skip
def comment_idea(request, payload: CommentIn, idea_id: int = ID):
    def perform():
        idea = _idea(idea_id)
        _for_authority(request.auth, idea.consultation.authority_id)
        person = verified_person(payload.email)
        parent = None
        if payload.parent is not None:
            parent = Comment.objects.filter(pk=payload.parent, idea=idea, pending=False).first()
            if parent is None:
                message = "Commentaire introuvable sur cette idée."
                raise ApiError(message, code="introuvable", status=422,
                               errors=[{"field": "parent", "code": "introuvable",
                                        "message": message}])  # fmt: skip
        with _refusals():
            comment = idea_actions.comment_idea(
                idea=idea, person=person, text=payload.text, parent=parent
            )
        detail = ("Commentaire enregistré : il sera publié après modération."
                  if comment.pending else "Commentaire publié.")  # fmt: skip
        return 201, {"id": comment.pk, "detail": detail}

    return _act(request, perform)


@router.post(
    "/participation/statements/{statement_id}/votes", openapi_extra=IDEMPOTENT,
    response={201: CreatedOut, **E}, summary="Voter sur une affirmation",
    description="Le vote de la personne : `agree`, `disagree` ou `pass` ; un second vote sur "
    "la même affirmation est refusé (409), le premier compte.",
)  # fmt: skip
def vote_statement(request, payload: VoteIn, statement_id: int = ID):
    def perform():
        statement = reads.statement_by_id(statement_id)
        if statement is None:
            raise Http404("Affirmation introuvable.")
        _for_authority(request.auth, statement.consultation.authority_id)
        person = verified_person(payload.email)
        with _refusals():
            row = opinion_actions.vote(
                statement=statement, person=person, value=VOTES[payload.value]
            )
        return 201, {"id": row.pk, "detail": "Vote enregistré."}

    return _act(request, perform)


@router.post(
    "/participation/consultations/{consultation_id}/statements", openapi_extra=IDEMPOTENT,
    response={201: CreatedOut, **E}, summary="Proposer une affirmation",
    description="Ajoute une affirmation courte (10 à 280 caractères) que les participants "
    "voteront ; gardée pour la modération quand la consultation l'exige.",
)  # fmt: skip
def add_statement(request, payload: StatementIn, consultation_id: int = ID):
    def perform():
        consultation = _consultation(consultation_id)
        _for_authority(request.auth, consultation.authority_id)
        person = verified_person(payload.email)
        with _refusals():
            row = opinion_actions.add_statement(
                consultation=consultation, person=person, text=payload.text
            )
        detail = ("Affirmation enregistrée : elle sera proposée au vote après modération."
                  if row.awaiting_moderation else "Affirmation proposée au vote.")  # fmt: skip
        return 201, {"id": row.pk, "detail": detail}

    return _act(request, perform)


@router.post(
    "/participation/petitions", openapi_extra=IDEMPOTENT, response={201: CreatedOut, **E},
    summary="Lancer une pétition",
    description="Dépose une pétition adressée à la collectivité (`collectivite`) au nom de la "
    "personne ; elle ouvre à la signature quand la modération l'accepte. Il faut une identité "
    "vérifiée (guichet ou FranceConnect).",
)  # fmt: skip
def start_petition(request, payload: PetitionIn):
    def perform():
        authority = Authority.objects.filter(slug=payload.collectivite).first()
        if authority is None:
            raise Http404("Collectivité introuvable.")
        _for_authority(request.auth, authority.pk)
        person = verified_person(payload.email)
        with _refusals():
            petition = petition_actions.submit_petition(
                authority=authority, person=person, title=payload.title, text=payload.text,
                days_open=payload.days_open,
            )  # fmt: skip
        return 201, {"id": petition.pk, "detail": "Pétition déposée : elle ouvrira après "
                     "modération."}  # fmt: skip

    return _act(request, perform)


@router.post(
    "/participation/petitions/{petition_id}/signatures", openapi_extra=IDEMPOTENT,
    response={200: DoneOut, **E}, summary="Signer une pétition",
    description="La signature de la personne (une fois par personne) ; refusée quand la "
    "pétition est close ou que la personne n'habite pas le territoire.",
)  # fmt: skip
def sign_petition(request, payload: OnBehalfIn, petition_id: int = ID):
    def perform():
        petition = reads.public_petition(petition_id)
        if petition is None:
            raise Http404("Pétition introuvable.")
        _for_authority(request.auth, petition.authority_id)
        person = verified_person(payload.email)
        with _refusals():
            petition_actions.sign(petition=petition, person=person)
        petition.refresh_from_db(fields=["signature_count"])
        return 200, {"detail": "Signature enregistrée.",
                     "signature_count": petition.signature_count}  # fmt: skip

    return _act(request, perform)


@router.post(
    "/participation/reports", openapi_extra=IDEMPOTENT, response={201: CreatedOut, **E},
    summary="Signaler une contribution",
    description="Signale une idée, un commentaire, une affirmation ou une pétition aux "
    "modérateurs, avec un motif ; `email` (facultatif) nomme la personne qui signale.",
)  # fmt: skip
def report_contribution(request, payload: ReportIn):
    def perform():
        contribution = moderation.find(REPORTABLE[payload.kind], payload.id)
        authority = moderation.authority_of(contribution) if contribution is not None else None
        if authority is None or not _readable(contribution):
            raise Http404("Contribution introuvable.")
        _for_authority(request.auth, authority.pk)
        reporter = verified_person(payload.email) if payload.email else None
        with _refusals():
            row = moderation_actions.report(
                contribution=contribution, reason=payload.reason, reporter=reporter
            )
        return 201, {"id": row.pk, "detail": "Signalement transmis aux modérateurs."}

    return _act(request, perform)


def _readable(contribution) -> bool:
    """Only what the public reads may be reported (not a pending or refused contribution)."""
    if isinstance(contribution, Idea):
        return reads.public_idea(contribution.pk) is not None
    if isinstance(contribution, Comment):
        return not contribution.pending and reads.public_idea(contribution.idea_id) is not None
    if hasattr(contribution, "awaiting_moderation"):
        return not contribution.awaiting_moderation and contribution.consultation.published
    return reads.public_petition(contribution.pk) is not None
