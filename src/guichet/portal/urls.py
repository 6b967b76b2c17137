from django.urls import path

from guichet.portal.views import account, catalogue, intake, legal, places, preferences, tracking
from guichet.portal.views.free_text import free_text as free_text_view
from guichet.portal.views.nearby import follow, followed, nearby
from guichet.portal.views.reports import report_page, reports_data, reports_page

app_name = "portal"
urlpatterns = [
    path("", catalogue.home, name="home"),
    path("services/", catalogue.catalogue, name="catalogue"),
    path("demande-libre/", free_text_view, name="free_text"),
    path("services/<slug:slug>/", catalogue.service_detail, name="service"),
    path("communes/<str:code>/", catalogue.commune_offer, name="commune"),
    path("communes/<str:code>/services/<slug:slug>/", catalogue.service_detail, name="service_at"),
    path(
        "communes/<str:code>/services/<slug:slug>/demande/",
        intake.request_form,
        name="request_form",
    ),
    path("demandes/<str:reference>/envoyee/", intake.receipt, name="receipt"),
    path("adresses/recherche/", places.search, name="place_search"),
    path("adresses/point/", places.point, name="place_at_point"),
    path("services/<slug:slug>/signalements-proches/", nearby, name="nearby"),
    path("signalements/<str:reference>/suivre/", follow, name="follow"),
    path("signalements/<str:reference>/suivre/merci/", followed, name="followed"),
    path("suivi/", tracking.track, name="track"),
    path("suivi/<str:reference>", tracking.tracking, name="tracking"),
    path("suivi/<str:reference>/repondre", tracking.reply, name="reply"),
    path("signalements/", reports_page, name="reports"),
    path("signalements/donnees.geojson", reports_data, name="reports_data"),
    path("signalements/<str:reference>/", report_page, name="report"),
    path("connexion/", account.sign_in_form, name="sign_in"),
    path("connexion/lien/", account.sign_in_confirm, name="sign_in_confirm"),
    path("connexion/lien/<str:token>/", account.sign_in_link, name="sign_in_link"),
    path("deconnexion/", account.sign_out, name="sign_out"),
    path("mes-demandes/", account.my_requests, name="my_requests"),
    path("mon-compte/notifications/", preferences.signed_in, name="preferences"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.privacy, name="privacy"),
    path("donnees-personnelles/registre-des-traitements/", legal.register, name="register"),
    path(
        "mon-compte/notifications/lien/<str:token>/",
        preferences.from_link,
        name="preferences_link",
    ),
]
