"""Satisfaction surveys sent after a request is finished, their answers, per-service policy."""

from django.db import models

from guichet.authorities.models import Authority, Team
from guichet.cases.models import Request
from guichet.catalogue.models import Service


class SurveySettings(models.Model):
    """A service's survey policy. Without a row, `defaults_for(service)` applies."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="survey_settings"
    )
    reopen_when_not_resolved = models.BooleanField(
        "rouvrir la demande quand l'usager répond « non résolu » avec un commentaire",
        default=True,
    )

    class Meta:
        verbose_name = "réglage du questionnaire de satisfaction"
        verbose_name_plural = "réglages du questionnaire de satisfaction"

    def __str__(self) -> str:
        return str(self.service)


class Survey(models.Model):
    """One questionnaire for one resolution of a request (a reopened request gets a new one)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="surveys")
    token = models.CharField(max_length=64, unique=True)
    opened_at = models.DateTimeField("envoyé le")
    expires_at = models.DateTimeField("expire le")

    class Meta:
        verbose_name = "questionnaire de satisfaction"
        verbose_name_plural = "questionnaires de satisfaction"
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"questionnaire {self.request.reference}"


class Answer(models.Model):
    """The person's answer. Where the request stood (service, channel, team, authority) is
    copied at answer time, so scores keep crediting the team that actually handled it."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="answer")
    resolved = models.BooleanField("résolu")
    score = models.PositiveSmallIntegerField("note (1 à 5)")
    comment = models.TextField("commentaire", blank=True)
    may_contact = models.BooleanField("accepte d'être recontacté", default=False)
    reopened = models.BooleanField("a rouvert la demande", default=False)
    answered_at = models.DateTimeField("répondu le")
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("canal de la demande", max_length=16)

    class Meta:
        verbose_name = "réponse au questionnaire"
        verbose_name_plural = "réponses au questionnaire"
        ordering = ["-answered_at", "-id"]
        indexes = [models.Index(fields=["authority", "answered_at"], name="answer_authority_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="answer_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.request.reference} : {self.score}/5"
