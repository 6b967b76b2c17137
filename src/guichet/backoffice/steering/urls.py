"""The steering pages' routes, included by backoffice/contracts_urls.py (/agents/pilotage/)."""

from django.urls import path

from guichet.backoffice.steering import briefings, remits, signals

app_name = "steering"

urlpatterns = [
    path("briefings/", briefings.briefing_list, name="briefings"),
    path("briefings/<int:pk>/", briefings.briefing_detail, name="briefing"),
    path("briefings/perimetres/", remits.remit_list, name="remits"),
    path("briefings/perimetres/<int:pk>/fin/", remits.remit_end, name="remit_end"),
    path("briefings/perimetres/<int:pk>/envoyer/", remits.remit_send, name="remit_send"),
    path("sujets/", signals.topic_list, name="topics"),
    path("sujets/<int:pk>/", signals.topic_detail, name="topic"),
    path("comparaisons/", signals.comparisons, name="comparisons"),
    path("demande-silencieuse/", signals.silent_demand, name="silent"),
]
