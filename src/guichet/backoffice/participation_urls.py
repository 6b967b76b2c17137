"""The organisers' and moderators' participation pages (/agents/participation/)."""

from django.urls import path

from guichet.backoffice.participation import (
    consultations,
    ideas,
    moderation,
    opinion,
    petitions,
)

app_name = "participation_agents"
urlpatterns = [
    path("", consultations.index, name="index"),
    path("consultations/nouvelle/", consultations.edit, name="new"),
    path("consultations/<int:pk>/", consultations.edit, name="edit"),
    path("consultations/<int:pk>/etapes/", consultations.phases_page, name="phases"),
    path("consultations/<int:pk>/tour/", consultations.close_round_page, name="round"),
    path("idees/<int:pk>/", ideas.manage, name="idea"),
    # P2: moderation, petitions, opinion map
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/<slug:kind>/<int:pk>/", moderation.moderate, name="moderate"),
    path(
        "moderation/bloques/<int:authority_pk>/<int:person_pk>/",
        moderation.unblock,
        name="unblock",
    ),
    path("petitions/", petitions.petitions, name="petitions"),
    path("petitions/regles/", petitions.rules, name="petition_rules"),
    path("petitions/<int:pk>/", petitions.petition, name="petition"),
    path("petitions/<int:pk>/decision/", petitions.decide, name="petition_decide"),
    path("consultations/<int:pk>/avis/", opinion.opinion_map, name="opinion"),
]
