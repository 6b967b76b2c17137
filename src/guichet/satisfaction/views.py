"""The survey page reached from the closure message, and the agents' scores page."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from guichet.authorities.access import authority_ids_for, can
from guichet.core import clock, csvexport
from guichet.satisfaction.actions import SurveyError, answer_survey
from guichet.satisfaction.forms import PeriodForm, SurveyForm
from guichet.satisfaction.selectors import DIMENSIONS, answer_of, scores, survey_by_token


@require_http_methods(["GET", "POST"])
def survey(request, token):
    try:
        found = survey_by_token(token)
    except Http404:
        return _unavailable(request, "Ce lien ne correspond à aucun questionnaire.", status=404)
    if answer_of(found) is not None:
        return redirect("satisfaction:thanks", token=token)
    if found.expires_at <= clock.now():
        return _unavailable(
            request, "Ce questionnaire a expiré : il n'est plus possible d'y répondre.", status=410
        )
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_survey(survey=found, **form.cleaned_answer())
        except SurveyError as refusal:
            for field, messages in refusal.errors.items():
                for message in messages:
                    form.add_error(None if field == "__all__" else field, message)
        else:
            return redirect("satisfaction:thanks", token=token)
    context = {"title": "Votre avis", "survey": found, "case": found.request, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "satisfaction/survey.html", context, status=status)


@require_GET
def thanks(request, token):
    try:
        found = survey_by_token(token)
    except Http404:
        return _unavailable(request, "Ce lien ne correspond à aucun questionnaire.", status=404)
    answer = answer_of(found)
    if answer is None:
        return redirect("satisfaction:survey", token=token)
    context = {"title": "Merci", "case": found.request, "answer": answer}
    return render(request, "satisfaction/thanks.html", context)


def _unavailable(request, message: str, *, status: int):
    context = {"title": "Questionnaire indisponible", "message": message}
    return render(request, "satisfaction/unavailable.html", context, status=status)


@login_required
@require_GET
def scores_page(request):
    authority_ids = _dashboard_authorities(request.user)
    if not authority_ids:
        return _forbidden(request)
    form, since, until = _period(request)
    tables = [
        {"by": by, "title": title, "rows": scores(authority_ids=authority_ids, by=by, since=since, until=until)}
        for by, (_key, _label, title) in DIMENSIONS.items()
    ]  # fmt: skip
    context = {"title": "Satisfaction des usagers", "form": form, "tables": tables,
               "query": request.GET.urlencode()}  # fmt: skip
    return render(request, "satisfaction/scores.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def scores_csv(request):
    authority_ids = _dashboard_authorities(request.user)
    if not authority_ids:
        return _forbidden(request)
    _form, since, until = _period(request)
    header = ["dimension", "libelle", "reponses", "pct_resolu", "note_moyenne", "reouvertures"]
    rows = [
        [by, row.label, row.answers, row.resolved_percent, row.mean_score, row.reopened]
        for by in DIMENSIONS
        for row in scores(authority_ids=authority_ids, by=by, since=since, until=until)
    ]
    return csvexport.csv_response(request, "satisfaction", header, rows)


def _dashboard_authorities(user) -> set[int]:
    """The authorities whose scores `user` may read: where they hold `view_dashboards`."""
    return {pk for pk in authority_ids_for(user) if can(user, pk, "view_dashboards")}


def _period(request) -> tuple[PeriodForm, datetime | None, datetime | None]:
    """The period filter as aware bounds [since, until + 1 day) in the local time zone."""
    form = PeriodForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return form, None, None
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    zone = timezone.get_current_timezone()
    return (
        form,
        datetime.combine(since, time.min, tzinfo=zone) if since else None,
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone) if until else None,
    )


def _forbidden(request):
    message = "Les résultats de satisfaction sont réservés aux responsables des collectivités."
    context = {"title": "Accès refusé", "message": message}
    return render(request, "satisfaction/forbidden.html", context, status=403)
