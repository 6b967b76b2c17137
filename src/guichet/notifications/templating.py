"""Message wording: French defaults, per-authority overrides, rendered with safe variables.

Templates are Django templates edited by authorities in the admin. They only ever see a dict of
plain strings (never a model), so they cannot reach the database or private fields; HTML is
autoescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Q
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from guichet.core import refcache, theme
from guichet.notifications.models import Channel, MessageTemplate
from guichet.notifications.sms import fit

# The variables a template may use, documented for the admin (docs/notifications.md).
VARIABLES = (
    "usager", "reference", "service", "etat", "lien_suivi", "collectivite", "motif",
    "message", "lien_desabonnement", "lien_enquete",
)  # fmt: skip

# fmt: off
DEFAULTS: dict[str, dict[str, str]] = {
    "receipt": {
        "subject": "Demande {{ reference }} reçue",
        "text": "Bonjour {{ usager }},\n\nNous avons bien reçu votre demande « {{ service }} ». "
                "Sa référence est {{ reference }}.\nSuivez-la ici : {{ lien_suivi }}",
        "sms": "{{ collectivite }} : demande {{ reference }} reçue. Suivi : {{ lien_suivi }}",
    },
    "status": {
        "subject": "Demande {{ reference }} : {{ etat }}",
        "text": "Bonjour {{ usager }},\n\nVotre demande {{ reference }} est maintenant : "
                "{{ etat }}.{% if motif %}\n\n{{ motif }}{% endif %}\nSuivi : {{ lien_suivi }}",
        "sms": "{{ collectivite }} : demande {{ reference }} : {{ etat }}. {{ lien_suivi }}",
    },
    "message": {
        "subject": "Nouveau message sur votre demande {{ reference }}",
        "text": "Bonjour {{ usager }},\n\n{{ collectivite }} vous a écrit au sujet de votre "
                "demande {{ reference }} :\n\n{{ message }}\n\nRépondre : {{ lien_suivi }}",
        "sms": "{{ collectivite }} vous a écrit (demande {{ reference }}) : {{ lien_suivi }}",
    },
    "action_needed": {
        "subject": "Demande {{ reference }} : votre réponse est attendue",
        "text": "Bonjour {{ usager }},\n\nPour poursuivre le traitement de votre demande "
                "{{ reference }}, nous avons besoin de vous :\n\n{{ motif }}\n\n"
                "Répondre : {{ lien_suivi }}",
        "sms": "{{ collectivite }} : votre réponse est attendue (demande {{ reference }}). "
               "{{ lien_suivi }}",
    },
    "handoff": {
        "subject": "Demande {{ reference }} transmise à {{ collectivite }}",
        "text": "Bonjour {{ usager }},\n\nVotre demande {{ reference }} a été transmise à "
                "{{ collectivite }}, compétente pour la traiter.{% if motif %}\n\n{{ motif }}"
                "{% endif %}\nSa référence ne change pas. Suivi : {{ lien_suivi }}",
        "sms": "Demande {{ reference }} transmise à {{ collectivite }}. {{ lien_suivi }}",
    },
    "resolved": {
        "subject": "Demande {{ reference }} traitée",
        "text": "Bonjour {{ usager }},\n\nVotre demande {{ reference }} a été traitée."
                "{% if motif %}\n\n{{ motif }}{% endif %}\nSuivi : {{ lien_suivi }}"
                "{% if lien_enquete %}\n\nVotre problème est-il vraiment résolu ? Dites-le-nous "
                "en une minute : {{ lien_enquete }}{% endif %}",
        "sms": "{{ collectivite }} : demande {{ reference }} traitée. {{ lien_suivi }}",
    },
    "appointment": {
        # etat: "confirmé", "modifié", "annulé"; empty for the day-before reminder
        "subject": "{% if etat %}Rendez-vous {{ etat }}{% else %}Rappel de votre rendez-vous"
                   "{% endif %}",
        "text": "Bonjour {{ usager }},\n\n{{ message }}",
        "sms": "{{ collectivite }} : {{ message }}",
    },
    "broadcast": {
        "subject": "Information de {{ collectivite }}",
        "text": "Bonjour {{ usager }},\n\n{{ message }}",
        "sms": "{{ collectivite }} : {{ message }}",
    },
}
# fmt: on

_engine = Engine()


@lru_cache(maxsize=512)
def _compiled(source: str):
    # Parsing is most of a render's cost; a source text always compiles to the same template
    # (an authority's edit is a new text, hence a new entry).
    return _engine.from_string(source)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    sms: str


@dataclass(frozen=True)
class Branding:
    name: str = "Guichet"
    color: str = theme.DEFAULT_ACCENT  # never the State's bleu France (core/theme.py)
    logo_url: str = ""
    contact_email: str = ""


def branding_of(authority) -> Branding:
    """The authority's name, accent and logo (the platform's where it set none: never the
    State's bleu France, guichet/core/theme.py)."""
    if authority is None:
        return Branding(color=theme.platform_accent())
    brand = theme.of_authority(authority)
    return Branding(
        name=authority.name,
        color=brand.accent,
        logo_url=theme.absolute_logo_address(authority.logo_url),
        contact_email=authority.contact_email,
    )


def wording(authority, message_kind: str, service_id: int | None = None) -> dict[str, str]:
    """The templates in force, field by field: the service's own wording where its authority
    wrote one for it, else the authority's, else the default."""
    chosen = dict(DEFAULTS[message_kind])
    if authority is not None:
        # One query for both rows (cached): most authorities write none, which is kept too.
        found = refcache.get(
            ("message_template", authority.pk, message_kind, service_id),
            lambda: _templates(authority, message_kind, service_id),
            keep_missing=True,
        )
        for custom in found or ():
            for field in ("subject", "text", "sms"):
                if getattr(custom, field).strip():
                    chosen[field] = getattr(custom, field)
    return chosen


def _templates(authority, message_kind: str, service_id: int | None):
    """The authority's then the service's template of this kind (those that exist), or None."""
    scope = Q(service__isnull=True)
    if service_id is not None:
        scope |= Q(service_id=service_id)
    found = MessageTemplate.objects.filter(scope, authority=authority, message_kind=message_kind)
    # the service's wording last: it overrides the authority's field by field
    ordered = sorted(found, key=lambda template: template.service_id is not None)
    return tuple(ordered) or None


def render(
    *,
    authority,
    message_kind: str,
    variables: dict[str, str],
    unsubscribe_url: str,
    channel: str | None = None,
    service_id: int | None = None,
    source: dict[str, str] | None = None,
) -> Rendered:
    """Render one message; `variables` must be plain strings (see VARIABLES).

    `channel` "email" renders the subject, text and HTML only, "sms" the SMS only (the other
    forms are left empty: a filing queues its receipt inside the request); None renders all.
    `service_id` picks the wording of that service's requests (`wording`); `source`, a wording
    not saved yet (the designer's preview of checked text), replaces the one in force.
    """
    safe = {name: str(variables.get(name, "")) for name in VARIABLES}
    safe["lien_desabonnement"] = unsubscribe_url
    source = wording(authority, message_kind, service_id) | (source or {})

    def plain(template: str) -> str:
        # The Context decides escaping, not the Engine: plain text must not get HTML entities.
        return _compiled(template).render(Context(safe, autoescape=False))

    sms = ""
    if channel != Channel.EMAIL:
        sms = fit(" ".join(plain(source["sms"]).split()), f" STOP : {unsubscribe_url}")
    if channel == Channel.SMS:
        return Rendered(subject="", text="", html="", sms=sms)
    subject = " ".join(plain(source["subject"]).split())
    text = plain(source["text"]).strip()
    body_html = _compiled(source["text"]).render(Context(safe, autoescape=True))
    brand = branding_of(authority)
    text += f"\n\n--\n{brand.name}\nPour ne plus recevoir ces messages : {unsubscribe_url}"
    html = render_to_string(
        "notifications/email.html",
        {
            "subject": subject,
            "paragraphs": [mark_safe(p) for p in body_html.strip().split("\n\n")],  # escaped above
            "brand": brand,
            "unsubscribe_url": unsubscribe_url,
        },
    )
    return Rendered(subject=subject[:200], text=text, html=html, sms=sms)
