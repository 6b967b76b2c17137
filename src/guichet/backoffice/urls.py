from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from guichet.backoffice.views import (
    areas,
    dashboards,
    detail,
    duplicates,
    erasure,
    handling,
    intake,
    lists,
    people,
    person_data,
    queue,
    receipt,
    rectification,
    register,
    triage,
)

app_name = "backoffice"
urlpatterns = [
    path("", queue.home, name="home"),
    # connexion/ (password, second factor, ProConnect) is the identity app's: /agents/connexion/
    path("deconnexion/", auth_views.LogoutView.as_view(next_page="portal:home"), name="logout"),
    path("demandes/<int:pk>/", detail.request_detail, name="request"),
    path("demandes/<int:pk>/etat/", handling.change_state, name="state"),
    re_path(
        r"^demandes/(?P<pk>[0-9]+)/(?P<action>message|note|assign|handoff|contact|link)/$",
        handling.act,
        name="act",
    ),
    path("demandes/<int:pk>/fusionner/", duplicates.merge, name="merge"),
    path("demandes/<int:pk>/separer/", duplicates.unmerge, name="unmerge"),
    path("demandes/<int:pk>/recepisse/", receipt.counter_receipt, name="receipt"),
    path("demandes/<int:pk>/tri/", triage.decide, name="triage_decide"),
    path("demandes/<int:pk>/service/", triage.requalify, name="requalify"),
    path("pieces/<int:pk>/", detail.attachment_download, name="attachment"),
    path("nouvelle-demande/", intake.intake, name="intake"),
    path("nouvelle-demande/usager/", intake.intake_person, name="intake_person"),
    path("nouvelle-demande/demande/", intake.intake_request, name="intake_request"),
    path("usagers/<int:pk>/", people.person_detail, name="person"),
    path("usagers/<int:pk>/effacer/", erasure.erase, name="person_erase"),
    path("usagers/<int:pk>/export/", person_data.export_person, name="person_export"),
    path(
        "usagers/<int:pk>/export/<int:export_pk>/",
        person_data.download_export,
        name="person_export_download",
    ),
    path("usagers/<int:pk>/rectifier/", rectification.rectify, name="person_rectify"),
    path("registre-des-traitements/", register.register_page, name="register"),
    path("retards/", lists.overdue, name="overdue"),
    path("orientation/", lists.routing, name="routing"),
    path("secteurs/", areas.areas_page, name="areas"),
    path("secteurs/<int:pk>/", areas.area_edit, name="area"),
    path("secteurs/<int:pk>/supprimer/", areas.area_delete, name="area_delete"),
    path("tableaux-de-bord/", dashboards.dashboard, name="dashboard"),
    path("tableaux-de-bord/carte/", dashboards.commune_map_view, name="dashboard_map"),
    path("tableaux-de-bord/processus/", dashboards.process_map_view, name="dashboard_process"),
    path("parcours/", dashboards.journey, name="journey"),
    path("concepteur/", include("guichet.backoffice.designer.urls")),
]
