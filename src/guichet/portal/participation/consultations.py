"""Consultations on the portal: the open ones at my address, one consultation, « Mes
participations », the one-time code and the residence declaration."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from guichet.participation import eligibility
from guichet.participation import one_time as codes
from guichet.participation.actions.consultations import attach_participations, declare_residence
from guichet.participation.models.consultations import Consultation, Declaration
from guichet.participation.refusals import Refused
from guichet.participation.selectors import ideas as idea_reads
from guichet.participation.selectors.consultations import current_phase, running, timeline
from guichet.portal.address import find_communes
from guichet.portal.participation import ONE_TIME_KEY, TICKET_KEY, participant
from guichet.portal.session import current_person
from guichet.portal.views._common import limited, not_found, page, too_many_tries
from guichet.territory import geocoding
from guichet.territory.models import Commune


def open_list(request):
    """The consultations running at the address typed (all of them without one)."""
    address = request.GET.get("adresse", "")[:300]
    consultations = list(running().prefetch_related("phases"))
    commune = None
    if address.strip():
        found = find_communes(address).communes
        commune = found[0] if found else None
        consultations = [c for c in consultations if commune and _covers(c, commune.pk)]
    items = [{"consultation": c, "phase": current_phase(c)} for c in consultations]
    return page(request, "portal/participation/list.html", {
        "title": "Consultations ouvertes", "items": items, "address": address,
        "map_items": [_map_item(c) for c in consultations],
        "commune": commune, "unknown_address": bool(address.strip()) and commune is None,
    })  # fmt: skip


def _map_item(consultation: Consultation) -> dict:
    """What the map draws for a consultation: its area, or its communes' outlines."""
    if consultation.scope == "area" and consultation.area is not None:
        shapes = [consultation.area.geometry]
    else:
        ids = eligibility.scope_commune_ids(consultation) or set()
        shapes = [b for b in Commune.objects.filter(pk__in=list(ids)[:300])
                  .values_list("boundary", flat=True) if b]  # fmt: skip
    url = reverse("participation:consultation", kwargs={"pk": consultation.pk})
    return {"title": consultation.title, "url": url, "shapes": shapes}


def _covers(consultation: Consultation, commune_id: int) -> bool:
    communes = eligibility.scope_commune_ids(consultation)
    if communes is None:  # an area: listed for the communes of its authority
        communes = eligibility.scope_commune_ids(consultation.authority) or set()
    return commune_id in communes


def _published(pk: int) -> Consultation | None:
    return (
        Consultation.objects.filter(pk=pk, published=True)
        .select_related("authority", "area")
        .first()
    )


def detail(request, pk: int):
    consultation = _published(pk)
    if consultation is None:
        return not_found(request, "Cette consultation n'existe pas ou n'est pas publiée.")
    person = participant(request)
    sort = "consensus" if request.GET.get("tri") == "consensus" else "soutiens"
    return page(request, "portal/participation/consultation.html", {
        "title": consultation.title, "consultation": consultation,
        "steps": timeline(consultation), "phase": current_phase(consultation),
        "ideas": idea_reads.listed(consultation, sort=sort), "sort": sort,
        "archived": idea_reads.archived(consultation), "rounds": consultation.rounds.all(),
        "documents": consultation.documents.all(), "person": person,
        "may_propose": eligibility.may(person, consultation, "propose"),
        "why_not": _why_not(person, consultation, "propose"),
    })  # fmt: skip


def _why_not(person, consultation, action) -> str:
    try:
        eligibility.check(person, consultation, action)
    except eligibility.NotAllowed as refusal:
        return refusal.message
    return ""


def mine(request):
    person = participant(request)
    signed_in = current_person(request)
    one_time_pk = request.session.get(ONE_TIME_KEY)
    if signed_in is not None and one_time_pk and one_time_pk != signed_in.pk:
        earlier = type(signed_in).objects.filter(pk=one_time_pk).first()
        if earlier is not None:
            attach_participations(from_person=earlier, to_person=signed_in)
        request.session.pop(ONE_TIME_KEY, None)
        messages.success(request, "Vos participations ponctuelles sont rattachées à votre compte.")
        person = signed_in
    if person is None:
        return redirect(
            reverse("participation:one_time") + "?suite=" + reverse("participation:mine")
        )
    return page(request, "portal/participation/mine.html", {
        "title": "Mes participations", "person": person, **idea_reads.of_person(person),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def one_time(request):
    """Ask for a code by e-mail or SMS, then type it: a one-time participant."""
    next_url = _safe_next(request.POST.get("suite") or request.GET.get("suite"))
    context = {"title": "Participer avec un code", "suite": next_url, "errors": {},
               "pending": codes.pending_address(request.session.get(TICKET_KEY))}  # fmt: skip
    if request.method == "GET":
        return page(request, "portal/participation/one_time.html", context)
    verdict = limited(request, "participation-code", limit=10, window=600)
    if not verdict.allowed:
        return too_many_tries(request, verdict)
    try:
        if "code" in request.POST:
            person = codes.confirm(request.session.get(TICKET_KEY), request.POST.get("code"))
            request.session.pop(TICKET_KEY, None)
            if current_person(request) is None:
                request.session.cycle_key()
                request.session[ONE_TIME_KEY] = person.pk
            messages.success(request, "C'est confirmé : vous pouvez participer.")
            return redirect(next_url)
        kind = request.POST.get("canal", "email")
        value = request.POST.get("phone" if kind == "phone" else "email", "")
        request.session[TICKET_KEY] = codes.send_code(kind, value)
        context["pending"] = codes.pending_address(request.session[TICKET_KEY])
    except Refused as refused:
        context["errors"] = refused.errors
        return page(request, "portal/participation/one_time.html", context, status=400)
    return page(request, "portal/participation/one_time.html", context)


@require_http_methods(["GET", "POST"])
def declare(request):
    """« J'habite / je travaille à … »: the declaration that makes a person eligible."""
    person = participant(request)
    next_url = _safe_next(request.POST.get("suite") or request.GET.get("suite"))
    if person is None:
        return redirect(reverse("participation:one_time") + "?suite=" + next_url)
    context = {"title": "Où habitez-vous ou travaillez-vous ?", "suite": next_url, "errors": {},
               "relations": Declaration.Relation.choices}  # fmt: skip
    if request.method == "POST":
        address = request.POST.get("adresse", "")[:300]
        found = find_communes(address).communes if address.strip() else []
        lat, lon = _point_of(address) if found else (None, None)
        try:
            declare_residence(
                person=person, relation=request.POST.get("lien", ""),
                commune=found[0] if found else None, address=address,
                latitude=lat, longitude=lon,
            )  # fmt: skip
        except Refused as refused:
            context["errors"] = refused.errors
            return page(request, "portal/participation/declare.html", context, status=400)
        messages.success(request, f"C'est noté : {found[0].name}.")
        return redirect(next_url)
    return page(request, "portal/participation/declare.html", context)


def _point_of(address: str) -> tuple[float | None, float | None]:
    """The address's point when the geocoder knows the street (an area-scoped consultation
    is decided on it); a commune's centre proves nothing about an area."""
    places = geocoding.search(address, limit=1).places
    if places and places[0].kind in ("housenumber", "street"):
        return float(places[0].lat), float(places[0].lon)
    return None, None


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/participer/") and "//" not in value and "\\" not in value:
        return value
    return reverse("participation:list")
