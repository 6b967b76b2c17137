"""The residents' participation pages (/participer/)."""

from django.urls import path

from guichet.portal.participation import consultations, ideas, opinion, petitions

app_name = "participation"
urlpatterns = [
    path("", consultations.open_list, name="list"),
    path("mes-participations/", consultations.mine, name="mine"),
    path("code/", consultations.one_time, name="one_time"),
    path("lieu/", consultations.declare, name="declare"),
    path("c/<int:pk>/", consultations.detail, name="consultation"),
    path("c/<int:pk>/proposer/", ideas.propose, name="propose"),
    path("c/<int:pk>/fusionner/", ideas.merge, name="merge"),
    path("idee/<int:pk>/", ideas.detail, name="idea"),
    path("idee/<int:pk>/soutien/", ideas.support, name="support"),
    path("idee/<int:pk>/commenter/", ideas.comment, name="comment"),
    path("fusion/<int:pk>/reponse/", ideas.answer_merge, name="answer_merge"),
    path("report/<int:pk>/", ideas.carry, name="carry"),
    path("idee/<int:pk>/suivi/", ideas.follow_up, name="follow_up"),
    # P2: opinion map, petitions, reports
    path("c/<int:pk>/avis/", opinion.vote_page, name="opinion"),
    path("c/<int:pk>/avis/affirmation/", opinion.add_statement, name="opinion_add"),
    path("c/<int:pk>/avis/carte/", opinion.results, name="opinion_results"),
    path("petitions/", petitions.petitions, name="petitions"),
    path("petitions/nouvelle/", petitions.start, name="petition_new"),
    path("petitions/engagements/", petitions.obligations, name="obligations"),
    path("petitions/<int:pk>/", petitions.petition, name="petition"),
    path("petitions/<int:pk>/signer/", petitions.sign, name="petition_sign"),
    path("signaler/<slug:kind>/<int:pk>/", petitions.report, name="report"),
]
