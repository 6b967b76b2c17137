"""Open311 GeoReport v2 endpoints: access, validate, act, serialise, in JSON or XML."""

from __future__ import annotations

import functools
import unicodedata
from datetime import datetime, time, timedelta

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from guichet.api import keys, security
from guichet.api.models import ApiKey, Scope
from guichet.api.open311 import anonymous, selectors
from guichet.api.open311.actions import file_free_text_request, file_service_request
from guichet.api.open311.formats import (
    DEFAULT_FORMAT,
    FORMATS,
    Open311Error,
    render,
    render_error,
    w3c,
)
from guichet.api.open311.mapping import definition_out, request_out, service_notice, service_out
from guichet.authorities.models import Authority
from guichet.core import clock, ratelimit
from guichet.core.models import Event

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000  # the spec's default limit
PUBLIC_RATE_LIMIT = 600  # GET calls per minute per address


def open311(*methods: str):
    """Answer `methods` only; render Open311Error in the format the URL asks for."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(http_request, *args, fmt: str | None = None, **kwargs):
            fmt = fmt or DEFAULT_FORMAT
            try:
                if fmt not in FORMATS:
                    fmt = DEFAULT_FORMAT
                    raise Open311Error(400, "Format inconnu : utilisez .json ou .xml.")
                if http_request.method not in methods:
                    error = Open311Error(405, f"Méthode {http_request.method} non prise en charge.")
                    error.headers["Allow"] = ", ".join(methods)
                    raise error
                if http_request.method == "GET":
                    _limit_public_reads(http_request)
                return view(http_request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return render_error(error, fmt)

        return wrapper

    return decorate


@open311("GET")
def discovery(http_request, *, fmt: str) -> HttpResponse:
    changed = Event.objects.filter(kind__startswith="catalogue.").order_by("-occurred_at").first()
    changeset = w3c(changed.occurred_at) if changed else ""
    return render(
        {
            "changeset": changeset,
            "contact": "Adressez-vous à la collectivité concernée (voir jurisdictions).",
            "key_service": "Les clés d'API sont délivrées pour chaque collectivité par "
            "l'exploitant de la plateforme (administration, ou commande guichet api-key).",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": http_request.build_absolute_uri(reverse("open311:root")),
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
            "jurisdictions": [
                {"jurisdiction_id": a.slug, "name": a.name} for a in selectors.jurisdictions()
            ],
        },
        fmt,
        root="discovery",
    )


@open311("GET")
def services(http_request, *, fmt: str) -> HttpResponse:
    authority = _jurisdiction(http_request)
    return render([service_out(s) for s in selectors.services_of(authority)], fmt, root="services")


@open311("GET")
def service_definition(http_request, code: str, *, fmt: str) -> HttpResponse:
    authority = _jurisdiction(http_request)
    service = selectors.service_of(authority, code)
    if service is None:
        raise Open311Error(404, f"Service inconnu pour {authority.name} : « {code[:80]} ».")
    return render(definition_out(service), fmt, root="service_definition")


@open311("GET", "POST")
def requests(http_request, *, fmt: str) -> HttpResponse:
    if http_request.method == "POST":
        return _create(http_request, fmt)
    reader = _reader(http_request)
    authority = _jurisdiction(http_request)
    params = http_request.GET
    page = _counted(params, "page", default=1, most=10**6)
    page_size = _counted(params, "page_size", default=MAX_PAGE_SIZE, most=MAX_PAGE_SIZE)
    start, end = _period(params)
    filters = selectors.RequestFilters(
        references=_list(params, "service_request_id"),
        service_codes=_list(params, "service_code"),
        start=start,
        end=end,
        statuses=_statuses(params),
    )
    found = selectors.find_requests(authority, filters)
    # Pages are counted in the list as it was when the client began: requests filed since
    # (higher ids) are left out of the later pages, so none shifts a page (no repeat, no gap).
    snapshot = _snapshot(params) or selectors.latest_id(found)
    if snapshot is not None:
        found = found.filter(pk__lte=snapshot)
    rows = list(found[(page - 1) * page_size : page * page_size + 1])
    response = _render_requests(
        http_request, rows[:page_size], fmt, extensions=_flag(params, "extensions"), reader=reader
    )
    if len(rows) > page_size:
        following = params.copy()
        following["page"], following["snapshot"] = str(page + 1), str(snapshot)
        url = http_request.build_absolute_uri(f"{http_request.path}?{following.urlencode()}")
        response["Link"] = f'<{url}>; rel="next"'
    return response


@open311("GET")
def request_detail(http_request, reference: str, *, fmt: str) -> HttpResponse:
    reader = _reader(http_request)
    authority = _jurisdiction(http_request, required=False)
    found = selectors.request_by_reference(reference, authority)
    if found is None:
        raise Open311Error(404, f"Demande introuvable : « {reference[:40]} ».")
    extensions = _flag(http_request.GET, "extensions")
    return _render_requests(http_request, [found], fmt, extensions=extensions, reader=reader)


@open311("GET")
def token(http_request, token: str, *, fmt: str) -> HttpResponse:
    # Requests are created synchronously: the token is the reference itself.
    authority = _jurisdiction(http_request, required=False)
    found = selectors.request_by_reference(token, authority)
    if found is None:
        raise Open311Error(404, f"Jeton inconnu : « {token[:40]} ».")
    return render(
        [{"service_request_id": found.reference, "token": token}], fmt, root="service_requests"
    )


def media(http_request, reference: str):
    """The first photo of a public request (the `media_url` of the spec), for a key of the
    request's authority only: a photo may show a face or a number plate."""
    try:
        reader = _reader(http_request)
    except Open311Error as error:
        return render_error(error, DEFAULT_FORMAT)
    found = selectors.request_by_reference(reference)
    if reader is None or found is None or found.authority_id != reader.authority_id:
        raise Http404("Aucune photo pour cette demande.")
    photo = selectors.first_photo(found) if found is not None else None
    if photo is None:
        raise Http404("Aucune photo pour cette demande.")
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Aucune photo pour cette demande.") from None
    return FileResponse(handle, content_type=photo.content_type)


@open311("GET", "POST")
def not_found(http_request, *, fmt: str, rest: str = "") -> HttpResponse:
    raise Open311Error(404, "Adresse inconnue de l'API Open311 (voir discovery.xml).")


def root(http_request) -> HttpResponse:
    return discovery(http_request, fmt="xml")


# --- helpers ---------------------------------------------------------------------------


def _create(http_request, fmt: str) -> HttpResponse:
    params = http_request.POST
    raw_key = params.get("api_key") or security.raw_key_from(http_request)
    if not raw_key:
        raise Open311Error(403, "api_key manquante : une clé est nécessaire pour déposer.")
    api_key = keys.authenticate(raw_key)
    if api_key is None:
        raise Open311Error(403, "api_key invalide ou révoquée.")
    if not api_key.allows(Scope.WRITE):
        raise Open311Error(403, "Cette api_key ne permet pas de déposer des demandes.")
    try:
        security.check_rate(api_key)
    except security.RateLimited as limited:
        error = Open311Error(429, limited.message)
        error.headers.update(limited.headers)
        raise error from None
    authority = api_key.authority
    wanted = _jurisdiction(http_request, required=False, params=params)
    if wanted is not None and wanted != authority:
        raise Open311Error(403, f"Cette api_key n'est pas valable pour {wanted.name}.")
    code = _clean(params.get("service_code") or "")
    if not code:
        # free text: filed under the triage service, which picks the service (ADR 0028)
        created = file_free_text_request(api_key=api_key, authority=authority, params=params)
        return render(
            [{"service_request_id": created.reference, "service_notice": None, "account_id": None}],
            fmt, root="service_requests", status=201,
        )  # fmt: skip
    service = selectors.service_of(authority, code)
    if service is None:
        raise Open311Error(404, f"Service inconnu pour {authority.name} : « {code[:80]} ».")
    created = file_service_request(
        api_key=api_key, authority=authority, service=service, params=params
    )
    body = [
        {
            "service_request_id": created.reference,
            "service_notice": service_notice(service),
            "account_id": None,
        }
    ]
    return render(body, fmt, root="service_requests", status=201)


def _render_requests(
    http_request, rows, fmt: str, *, extensions: bool, reader: ApiKey | None
) -> HttpResponse:
    """The full view of the reader's own requests; the anonymised view of any other."""

    def media_url(reference: str) -> str:
        return http_request.build_absolute_uri(reverse("open311:media", args=[reference]))

    mine = {r.pk for r in rows if reader is not None and r.authority_id == reader.authority_id}
    extras = selectors.extras_for(rows, media_url=media_url, with_notes=extensions)
    others = [r for r in rows if r.pk not in mine]
    points = anonymous.points_of(others) if others else {}
    return render(
        [
            request_out(r, extras, extensions=extensions)
            if r.pk in mine
            else anonymous.anonymous_out(r, points[r.pk], extras, extensions=extensions)
            for r in rows
        ],
        fmt,
        root="service_requests",
    )


def _reader(http_request) -> ApiKey | None:
    """The key a GET carries in a header (never in the URL), or None for the public view.

    A key that is sent but unknown, revoked or without the `read` scope is a 403, so a
    client never mistakes the anonymised view for the full one.
    """
    raw_key = security.raw_key_from(http_request)
    if not raw_key:
        return None
    api_key = keys.authenticate(raw_key)
    if api_key is None:
        raise Open311Error(403, "api_key invalide ou révoquée.")
    if not api_key.allows(Scope.READ):
        raise Open311Error(403, "Cette api_key ne permet pas de lire les demandes.")
    try:
        security.check_rate(api_key)
    except security.RateLimited as limited:
        error = Open311Error(429, limited.message)
        error.headers.update(limited.headers)
        raise error from None
    return api_key


def _jurisdiction(http_request, *, required: bool = True, params=None) -> Authority | None:
    """The authority named by `jurisdiction_id`; we host many, so lists require it."""
    params = http_request.GET if params is None else params
    slug = _clean(params.get("jurisdiction_id", ""))
    if not slug:
        if required:
            raise Open311Error(400, "jurisdiction_id manquant (voir discovery).")
        return None
    authority = selectors.jurisdiction(slug)
    if authority is None:
        raise Open311Error(404, f"jurisdiction_id inconnu : « {slug[:80]} ».")
    return authority


def _limit_public_reads(http_request) -> None:
    verdict = ratelimit.hit(
        "open311", ratelimit.client_ip(http_request), limit=PUBLIC_RATE_LIMIT, window=60
    )
    if not verdict.allowed:
        error = Open311Error(429, f"Trop de requêtes : réessayez dans {verdict.retry_after} s.")
        error.headers["Retry-After"] = str(max(verdict.retry_after, 1))
        raise error


def _list(params, name: str) -> tuple[str, ...]:
    values = [v for raw in params.getlist(name) for v in _clean(raw).split(",")]
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))[:MAX_PAGE_SIZE]


def _clean(text: str) -> str:
    """Without control characters (PostgreSQL refuses NUL even in a WHERE clause)."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs")).strip()


def _statuses(params) -> tuple[str, ...]:
    statuses = _list(params, "status")
    unknown = [s for s in statuses if s not in ("open", "closed")]
    if unknown:
        raise Open311Error(400, f"status inconnu : « {unknown[0][:40]} » (open ou closed).")
    return statuses


def _counted(params, name: str, *, default: int, most: int) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    # isdecimal, not isdigit: "²" is a digit that int() refuses
    if not text.isdecimal() or not 1 <= int(text) <= most:
        shown = f"{most:,}".replace(",", "\u202f")
        raise Open311Error(400, f"{name} doit être un entier de 1 à {shown}.")
    return int(text)


def _snapshot(params) -> int | None:
    """The `snapshot` of a `Link: rel="next"` URL: the highest id the first page counted."""
    text = params.get("snapshot", "").strip()
    if not text:
        return None
    if not text.isdecimal() or len(text) > 18 or int(text) < 1:
        raise Open311Error(
            400, "snapshot invalide : suivez le lien « next » de la page précédente."
        )
    return int(text)


def _flag(params, name: str) -> bool:
    return params.get(name, "").strip().lower() in ("true", "1")


def _period(params) -> tuple[datetime, datetime | None]:
    """The requested_datetime range: 90 days at most, the latest 90 days by default."""
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start is not None and end is not None:
        if end < start:
            raise Open311Error(400, "end_date est antérieure à start_date.")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "L'intervalle entre start_date et end_date dépasse 90 jours.")
        return start, end
    if start is not None:
        return start, start + MAX_SPAN
    if end is not None:
        return end - MAX_SPAN, end
    return clock.now() - MAX_SPAN, None


def _moment(params, name: str) -> datetime | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "+"))  # a raw "+02:00" arrives as " 02:00"
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None or not 1900 <= moment.year <= 9000:
        raise Open311Error(400, f"{name} doit être une date W3C, par exemple 2024-05-02T00:00:00Z.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
