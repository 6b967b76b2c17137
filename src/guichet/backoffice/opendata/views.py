"""The authority's open-data page: choose what to publish (`opendata.actions.update_dataset`),
see exactly what is public (the first rows of the files served), follow the runs (progress,
the schema violation's column and row), « Publier maintenant » (a task).

Managers and administrators of the authority only (`manage_routing`); other agents get the
back office's French 403, a data set of another authority is not found.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from guichet.backoffice import selectors
from guichet.backoffice.opendata.tasks import publish_now
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.core.journal import Actor
from guichet.opendata import actions, preview
from guichet.opendata.models import Dataset, Publication
from guichet.opendata.selectors import last_run, latest_publication

PERMISSION = "manage_routing"
MANAGERS_ONLY = (
    "Les données ouvertes sont réservées aux responsables et administrateurs de la collectivité."
)


def _authorities(request):
    return selectors.authorities_where(request.user, PERMISSION)


def _chosen(authorities, value):
    return next((a for a in authorities if str(a.pk) == str(value)), authorities[0])


def _dataset(request, pk) -> Dataset:
    allowed = [a.pk for a in _authorities(request)]
    dataset = Dataset.objects.filter(pk=pk, authority_id__in=allowed).first()
    if dataset is None:
        raise Http404("Ce jeu de données n'existe pas ou relève d'une autre collectivité.")
    return dataset


def _back(dataset: Dataset):
    return redirect(f"{reverse('opendata_admin:index')}?collectivite={dataset.authority_id}")


@agent_required
@require_GET
def index(request):
    authorities = _authorities(request)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    authority = _chosen(authorities, request.GET.get("collectivite"))
    datasets = list(Dataset.objects.filter(authority=authority).order_by("kind"))
    rows = []
    for dataset in datasets:
        served = latest_publication(dataset)
        run = last_run(dataset)
        rows.append(
            {
                "dataset": dataset,
                "served": served,
                "run": run,
                "running": run is not None and run.status == Publication.Status.RUNNING,
                "failed": run is not None and run.status == Publication.Status.FAILED,
                "percent": (
                    round(100 * run.progress_done / run.progress_total)
                    if run is not None and run.progress_total
                    else 0
                ),
                "preview": preview.first_rows(served),
                "public_url": (
                    reverse("opendata:dataset", args=[dataset.slug])
                    if dataset.publish and served
                    else None
                ),
            }
        )
    return render(
        request,
        "backoffice/opendata/index.html",
        {
            "title": "Données ouvertes",
            "nav": "opendata",
            "authorities": authorities,
            "authority": authority,
            "rows": rows,
            "frequencies": Dataset.Frequency.choices,
        },
    )


@agent_required
@require_POST
def prepare(request):
    """Create the authority's four data sets (unpublished) the first time."""
    authorities = _authorities(request)
    if not authorities:
        return forbidden(request, MANAGERS_ONLY)
    authority = _chosen(authorities, request.POST.get("collectivite"))
    actions.ensure_datasets(authority=authority, actor=Actor.agent(request.user))
    messages.success(request, "Les jeux de données sont prêts : choisissez ceux à publier.")
    return redirect(f"{reverse('opendata_admin:index')}?collectivite={authority.pk}")


@agent_required
@require_POST
def choose(request, pk):
    """Publish or not, and how often (one event through `update_dataset`)."""
    if not _authorities(request):
        return forbidden(request, MANAGERS_ONLY)
    dataset = _dataset(request, pk)
    frequency = request.POST.get("frequence", dataset.frequency)
    if frequency not in Dataset.Frequency.values:
        messages.error(
            request, "Fréquence inconnue : choisissez quotidienne, hebdomadaire ou mensuelle."
        )
        return _back(dataset)
    actions.update_dataset(
        dataset=dataset, actor=Actor.agent(request.user),
        publish=request.POST.get("publier") == "oui", frequency=frequency,
    )  # fmt: skip
    if request.POST.get("publier") == "oui":
        messages.success(request, f"« {dataset.title} » sera publié à chaque mise à jour.")
    else:
        messages.success(request, f"« {dataset.title} » n'est plus publié.")
    return _back(dataset)


@agent_required
@require_POST
def publish(request, pk):
    """« Publier maintenant »: queue a run; the page shows its progress."""
    if not _authorities(request):
        return forbidden(request, MANAGERS_ONLY)
    dataset = _dataset(request, pk)
    run = last_run(dataset)
    if run is not None and run.status == Publication.Status.RUNNING:
        messages.info(request, "Une publication de ce jeu de données est déjà en cours.")
        return _back(dataset)
    publish_now.enqueue(dataset.pk, f"{request.user.get_username()} (publier maintenant)")
    messages.success(
        request,
        f"La publication de « {dataset.title} » est lancée : actualisez la page pour suivre "
        "son avancement.",
    )
    return _back(dataset)
