"""Where a data set was pushed on a udata portal (data.gouv.fr), for the optional plugin
`opendata.udata` (ADR 0037): the remote data set's id and one remote resource id per format,
so that the next publication updates them instead of creating duplicates."""

from django.db import models

from guichet.opendata.models.datasets import Dataset


class UdataLink(models.Model):
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="udata_link")
    portal = models.URLField("portail udata", max_length=300)
    remote_id = models.CharField("identifiant du jeu sur le portail", max_length=64, blank=True)
    resources = models.JSONField("ressources par format", default=dict, blank=True)
    pushed_version = models.PositiveIntegerField("version poussée", null=True, blank=True)
    pushed_at = models.DateTimeField("poussé le", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)

    class Meta:
        verbose_name = "lien vers un portail udata"
        verbose_name_plural = "liens vers un portail udata"

    def __str__(self) -> str:
        return f"{self.dataset.slug} → {self.remote_id or '?'}"
