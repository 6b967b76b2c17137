"""From a remit to a briefing's content: the figures in French, each linked to its dashboard."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.urls import reverse

from guichet.catalogue.models import Service
from guichet.contracts.briefings import figures as computing
from guichet.contracts.briefings.periods import moment
from guichet.contracts.models import BriefingRemit
from guichet.core.plurals import ngettext
from guichet.journeys import store
from guichet.journeys.engine import EventLog, Filters, filter_log
from guichet.journeys.topics.selectors import emerging_topics
from guichet.territory.models import Commune

IRRITANT_NAMES = {
    "repeat_contact": "relances répétées",
    "long_silence": "longs silences (plus de 10 jours)",
    "deadline_breached": "délai promis dépassé",
    "abandoned": "demandes abandonnées (attente sans réponse)",
    "reopened": "demandes réouvertes",
    "dissatisfied": "usagers insatisfaits après clôture",
}
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def num(value: float, digits: int = 1) -> str:
    """A decimal number written the French way (comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def requests_word(value: float) -> str:
    return "demande" if abs(value) < 2 else "demandes"


def french_date(day: date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]} {day.year}"


def remit_services(remit: BriefingRemit) -> list[str]:
    """The service slugs of a policy remit (its services and those of its categories)."""
    if remit.scope != BriefingRemit.Scope.POLICY:
        return []
    slugs = set(remit.services.values_list("slug", flat=True))
    slugs |= set(
        Service.objects.filter(category__in=remit.categories.all()).values_list("slug", flat=True)
    )
    return sorted(slugs)


def remit_filters(remit: BriefingRemit) -> Filters:
    commune = (remit.commune.code,) if remit.scope == "commune" and remit.commune else ()
    return Filters(authority=(remit.authority.slug,), commune=commune,
                   service=tuple(remit_services(remit)))  # fmt: skip


def dashboard_link(remit: BriefingRemit, start: date, end: date, *, view: str = "dashboard",
                   anchor: str = "", **extra) -> str:  # fmt: skip
    query: list[tuple[str, str]] = [("authority", remit.authority.slug)]
    if remit.scope == "commune" and remit.commune:
        query.append(("commune", remit.commune.code))
    query += [("service", slug) for slug in remit_services(remit)]
    query += [("du", start.isoformat()), ("au", end.isoformat())]
    query += [(k, str(v)) for k, v in extra.items()]
    return f"{reverse(f'backoffice:{view}')}?{urlencode(query)}{anchor}"


def _line(text: str, link: str) -> dict:
    return {"text": text, "link": link}


def compose(remit: BriefingRemit, *, start: date, end: date, now: datetime,
            log: EventLog | None = None) -> dict:  # fmt: skip
    """The content of `remit`'s briefing for [start, end): went well, hot spots, forecast."""
    log = filter_log(log if log is not None else store.journal_log(), remit_filters(remit))
    numbers = computing.compute(log, start=start, end=end, frequency=remit.frequency, now=now)
    services = dict(Service.objects.values_list("slug", "name"))
    codes = [r["commune"] for r in numbers["rising_delays"]]
    communes = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
    link = dashboard_link(remit, start, end)

    well = []
    if numbers["resolved"]:
        well.append(_line(
            ngettext("%(n)d demande traitée", "%(n)d demandes traitées", numbers["resolved"])
            % {"n": numbers["resolved"]}
            + f", dont {numbers['resolved_within_promise']} dans le délai promis "
            f"({round(100 * (numbers['within_share'] or 0))} %).",
            link + "#delais",
        ))  # fmt: skip
    now_score, before_score = numbers["satisfaction"], numbers["satisfaction_before"]
    if now_score is not None:
        trend = ""
        if before_score is not None:
            trend = (" en hausse" if now_score > before_score else " en baisse"
                     if now_score < before_score else " stable")  # fmt: skip
            trend += f" (période précédente : {num(before_score)} / 5)"
        well.append(_line(
            f"Satisfaction : {num(now_score)} / 5{trend}, "
            + ngettext("%(n)d réponse", "%(n)d réponses", numbers["satisfaction_answers"])
            % {"n": numbers["satisfaction_answers"]} + ".",
            link + "#volumes",
        ))  # fmt: skip
    for fast in numbers["fastest"]:
        well.append(_line(
            f"Service rapide : « {services.get(fast['service'], fast['service'])} », "
            f"durée médiane {num(fast['median_days'])} j sur {fast['cases']} demandes.",
            dashboard_link(remit, start, end, service=fast["service"]),
        ))  # fmt: skip

    hot = []
    for item in numbers["irritants"]:
        hot.append(_line(
            f"Irritant au-dessus de son niveau habituel : {IRRITANT_NAMES[item['irritant']]}, "
            f"{round(100 * item['rate'])} % des demandes (habituellement "
            f"{round(100 * item['usual'])} %).",
            dashboard_link(remit, start, end, irritant=item["irritant"], anchor="#irritants"),
        ))  # fmt: skip
    for item in numbers["rising_delays"]:
        hot.append(_line(
            f"Délais en hausse à {communes.get(item['commune'], item['commune'])} : durée "
            f"médiane {num(item['median_days'])} j (période précédente : "
            f"{num(item['before_days'])} j).",
            dashboard_link(remit, start, end, view="dashboard_map", mesure="delai"),
        ))  # fmt: skip
    for topic in emerging_topics([remit.authority_id]):
        if remit.scope == "commune" and remit.commune:
            weeks = topic.by_commune.get(remit.commune.code, {})
            if not topic.last_week or not weeks.get(topic.last_week.isoformat()):
                continue
        hot.append(_line(
            f"Sujet émergent : « {topic.label} », "
            + ngettext("%(n)d message", "%(n)d messages", topic.last_count)
            % {"n": topic.last_count}
            + f" la semaine du {french_date(topic.last_week)} (habituellement "
            f"{num(topic.usual or 0)} par semaine).",
            reverse("steering:topic", args=[topic.pk]),
        ))  # fmt: skip

    forecast = numbers["forecast"]
    forecast_line = None
    if forecast and forecast["weeks"]:
        mean = sum(w["requests"] for w in forecast["weeks"]) / len(forecast["weeks"])
        error = (f"erreur moyenne constatée sur les 4 dernières semaines connues : "
                 f"± {num(forecast['mae'])} {requests_word(forecast['mae'])} par semaine"
                 if forecast["mae"] is not None
                 else "erreur inconnue : historique trop court pour la mesurer")  # fmt: skip
        forecast_line = _line(
            f"Prévision : environ {mean:.0f} demandes par semaine sur les "
            f"{len(forecast['weeks'])} prochaines semaines ({error}).",
            dashboard_link(remit, start, end, par="period", periode="week", anchor="#evolution"),
        )  # fmt: skip
    return {
        "title": remit.title,
        "authority": remit.authority.name,
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "label": f"du {french_date(start)} au {french_date(end)} (exclu)",
        },
        "received": numbers["received"],
        "went_well": well,
        "hot_spots": hot,
        "forecast": forecast_line,
        "forecast_weeks": forecast["weeks"] if forecast else [],
        "figures": numbers,
        "dashboard": link,
        "composed_for": moment(end).isoformat(),
    }
