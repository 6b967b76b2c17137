"""The sign-in pages: residents' providers under /connexion/, agents' under /agents/connexion/.

Included before the portal, the back office and the admin in the project's URLs: the agents'
password sign-in (with its second factor) serves /agents/connexion/ and /admin/login/. Only the
registered providers' names match, so /connexion/lien/ (the e-mail link) stays the portal's.
"""

from django.urls import path, re_path

from guichet.identity import agents, data, erasure, registry, views

app_name = "identity"


def _names(audience: str) -> str:
    return "|".join(registry.names(audience)) or "(?!)"


RESIDENT = rf"(?P<provider>{_names('resident')})"
AGENT = rf"(?P<provider>{_names('agent')})"

urlpatterns = [
    re_path(rf"^connexion/{RESIDENT}/$", views.start, name="start"),
    re_path(rf"^connexion/{RESIDENT}/callback/$", views.callback, name="callback"),
    re_path(rf"^connexion/{RESIDENT}/sortie/$", views.sign_out, name="sign_out"),
    re_path(rf"^connexion/{RESIDENT}/deconnexion/$", views.logout_return, name="logout_return"),
    path("mon-compte/", views.account, name="account"),
    path("mon-compte/informations/", views.details, name="details"),
    path("mon-compte/telephone/", views.phone_change, name="phone_change"),
    path("mon-compte/telephone/code/", views.phone_confirm, name="phone_confirm"),
    path("mon-compte/courriel/", views.email_change, name="email_change"),
    path("mon-compte/courriel/<str:token>/", views.email_confirm, name="email_confirm"),
    re_path(rf"^mon-compte/comptes/{RESIDENT}/delier/$", views.unlink, name="unlink"),
    path("mon-compte/donnees/", data.data_page, name="data"),
    path("mon-compte/effacement/", erasure.erasure_page, name="erasure"),
    path("mon-compte/donnees/export/", data.data_export, name="data_export"),
    path("mon-compte/donnees/export/etat/", data.data_status, name="data_status"),
    path("mon-compte/donnees/telecharger/<str:token>/", data.data_download, name="data_download"),
    path("agents/connexion/", agents.password_sign_in, name="agent_login"),
    path("admin/login/", agents.password_sign_in, name="admin_login"),
    path("agents/connexion/code/", agents.second_factor, name="agent_code"),
    path("agents/double-authentification/", agents.enrol, name="agent_enrol"),
    re_path(rf"^agents/connexion/{AGENT}/$", agents.provider_start, name="agent_start"),
    re_path(
        rf"^agents/connexion/{AGENT}/callback/$", agents.provider_callback, name="agent_callback"
    ),
    re_path(
        rf"^agents/connexion/{AGENT}/sortie/$", agents.provider_sign_out, name="agent_sign_out"
    ),
    re_path(
        rf"^agents/connexion/{AGENT}/deconnexion/$",
        agents.provider_logout_return,
        name="agent_logout_return",
    ),
]
