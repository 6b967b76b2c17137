"""Every refusal answered as {"detail", "code", "errors": [{"field", "code", "message"}]}.

Messages are French and shown as is; `code` is stable for programs. Bad input never becomes
a 500: each domain error has its status here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from guichet.api.open311.formats import Open311Error, render_error
from guichet.api.security import ApiError, PayloadTooLarge, error_response
from guichet.cases.actions import AttachmentError, IntakeError
from guichet.cases.workflow import IllegalTransition
from guichet.catalogue.validation import FormValidationError
from guichet.core.middleware import Refusal, answer_refusals_under
from guichet.people.errors import PeopleError
from guichet.people.identifiers import IdentifierError

# pydantic error types → French messages; anything else gets a generic one with its type.
PYDANTIC_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "extra_forbidden": "Ce champ n'est pas attendu.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Ce texte est trop court.",
    "string_too_long": "Ce texte est trop long.",
    "string_pattern_mismatch": "Ce texte n'a pas le format attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "finite_number": "Un nombre fini est attendu.",
    "bool_type": "Vrai ou faux est attendu.",
    "bool_parsing": "Vrai ou faux est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "list_type": "Une liste est attendue.",
    "literal_error": "Cette valeur n'est pas autorisée.",
    "enum": "Cette valeur n'est pas autorisée.",
    "greater_than_equal": "Cette valeur est trop petite.",
    "greater_than": "Cette valeur est trop petite.",
    "less_than_equal": "Cette valeur est trop grande.",
    "less_than": "Cette valeur est trop grande.",
    "datetime_type": "Une date et heure ISO 8601 est attendue.",
    "datetime_parsing": "Une date et heure ISO 8601 est attendue.",
    "datetime_from_date_parsing": "Une date et heure ISO 8601 est attendue.",
    "value_error": "Valeur invalide.",
    "json_invalid": "JSON invalide.",
}
WHERE = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_body(detail: str, code: str, errors: list[dict[str, str]] | None = None) -> dict:
    return {"detail": detail, "code": code, "errors": errors or []}


def field_errors(errors: dict[str, list[str]]) -> list[dict[str, str]]:
    """{"field": ["message", ...]} → one entry per message."""
    return [
        {"field": name, "code": "invalide", "message": message}
        for name, messages in errors.items()
        for message in messages
    ]


def _validation_entries(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    entries = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # Drop the parameter source and ninja's wrapper name ("body", "payload").
        if loc and loc[0] in WHERE:
            loc = loc[1:]
            if loc and loc[0] == "payload":
                loc = loc[1:]
        kind = str(error.get("type", "invalide"))
        message = PYDANTIC_MESSAGES.get(kind)
        if message is None:
            message = f"Valeur invalide ({kind})."
        if kind == "value_error" and error.get("ctx", {}).get("error"):
            message = str(error["ctx"]["error"])
        entries.append({"field": ".".join(loc) or "__all__", "code": kind, "message": message})
    return entries


def refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """A request refused by guichet.core.middleware (NUL, bad bytes, too big), as JSON."""
    entry = {"field": refusal.field, "code": refusal.code, "message": refusal.message}
    return error_response(
        ApiError(refusal.message, code=refusal.code, errors=[entry], status=refusal.status)
    )


def open311_refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The same refusal in Open311's error format, JSON or XML by the path's extension."""
    fmt = "json" if request.path_info.lower().endswith(".json") else "xml"
    return render_error(Open311Error(refusal.status, refusal.message), fmt)


def answer_refusals() -> None:
    """Have the hostile-input middleware answer under /api/ and /open311/ in their formats."""
    answer_refusals_under("/api/", refusal_response)
    answer_refusals_under("/open311/", open311_refusal_response)


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api` (also used by the Open311 API if it wants them)."""

    def respond(request: HttpRequest, status: int, body: dict, headers=None) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.body(), exc.headers)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc: RequestDataTooBig):
        # Normally refused earlier, by the middleware, from Content-Length; this catches a
        # body that turns out bigger than it said.
        refused = PayloadTooLarge.for_limit(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return respond(request, refused.status, refused.body())

    @api.exception_handler(RawPostDataException)
    def on_form_body(request, exc: RawPostDataException):
        # A form (multipart) sent to an operation that reads a JSON body: the form was already
        # parsed as a stream (refuse_nul reads its fields), its raw body is gone.
        body = error_body(
            "Corps de requête au format formulaire : du JSON est attendu "
            "(en-tête « Content-Type: application/json »).",
            "type_de_contenu",
        )
        return respond(request, 415, body)

    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc: NinjaValidationError):
        entries = _validation_entries(exc.errors)
        detail = "Données invalides : " + " ; ".join(
            f"{e['field']} : {e['message']}" for e in entries
        )
        return respond(request, 422, error_body(detail, "donnees_invalides", entries))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        body = error_body(
            "Authentification requise : clé d'API absente, inconnue ou révoquée "
            "(en-tête « Authorization: Bearer <clé> » ou « X-API-Key »).",
            "non_authentifie",
        )
        return respond(request, 401, body, {"WWW-Authenticate": 'Bearer realm="guichet"'})

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400:
            return respond(
                request, 400,
                error_body("Corps de requête illisible : du JSON valide est attendu.", "json_invalide"),
            )  # fmt: skip
        return respond(request, exc.status_code, error_body(str(exc), "erreur"))

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return respond(
            request, 404, error_body(str(exc) or "Ressource introuvable.", "introuvable")
        )

    @api.exception_handler(IntakeError)
    def on_intake(request, exc: IntakeError):
        return respond(
            request, 422, error_body(str(exc), "demande_invalide", field_errors(exc.errors))
        )

    @api.exception_handler(FormValidationError)
    def on_form(request, exc: FormValidationError):
        return respond(
            request, 422, error_body(str(exc), "formulaire_invalide", field_errors(exc.errors))
        )

    @api.exception_handler(AttachmentError)
    def on_attachment(request, exc: AttachmentError):
        return respond(
            request, 422,
            error_body(str(exc), "piece_jointe_refusee", field_errors({"fichiers": exc.messages})),
        )  # fmt: skip

    @api.exception_handler(IllegalTransition)
    def on_transition(request, exc: IllegalTransition):
        return respond(request, 409, error_body(str(exc), "transition_impossible"))

    @api.exception_handler(IdentifierError)
    def on_identifier(request, exc: IdentifierError):
        return respond(request, 422, error_body(str(exc), "coordonnee_invalide"))

    @api.exception_handler(PeopleError)
    def on_people(request, exc: PeopleError):
        return respond(request, 409, error_body(str(exc), "usager_conflit"))

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc: DjangoValidationError):
        messages = list(exc.messages)
        return respond(
            request, 422,
            error_body(" ".join(messages), "donnees_invalides", field_errors({"__all__": messages})),
        )  # fmt: skip
