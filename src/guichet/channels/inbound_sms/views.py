"""The SMS provider's webhook: POST /canaux/sms/entrant/ (docs/inbound-sms.md)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from guichet.channels.inbound_sms.intake import SmsRefused, receive_sms

MAX_BODY = 16 * 1024


def _refused(status: int, message: str) -> JsonResponse:
    return JsonResponse({"erreur": message}, status=status)


def _fields(http: HttpRequest) -> dict[str, Any]:
    """The call's fields: a JSON object, or a form (what most providers send)."""
    if http.content_type == "application/json":
        try:
            document = json.loads(http.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise SmsRefused("Corps JSON illisible.") from error
        if not isinstance(document, dict):
            raise SmsRefused("Le corps JSON doit être un objet.")
        return document
    return {name: http.POST.get(name) for name in http.POST}


@csrf_exempt  # a provider's server-to-server call, authenticated by its token
@require_POST
def receive(http: HttpRequest) -> JsonResponse:
    token = getattr(settings, "GUICHET_INBOUND_SMS_TOKEN", "")
    if not token:
        raise Http404("SMS entrants non configurés.")
    given = http.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _refused(401, "Jeton d'authentification absent ou invalide.")
    if int(http.headers.get("Content-Length") or 0) > MAX_BODY:
        return _refused(413, "Message trop volumineux.")
    try:
        fields = _fields(http)
        values = [fields.get(name) for name in ("from", "to", "text")]
        if not all(isinstance(v, str) for v in values):
            raise SmsRefused("Les champs « from », « to » et « text » sont requis (texte).")
        sender, recipient, text = (str(v) for v in values)
        request = receive_sms(sender=sender, recipient=recipient, text=text)
    except SmsRefused as refused:
        return _refused(400, str(refused))
    return JsonResponse({"reference": request.reference}, status=201)
