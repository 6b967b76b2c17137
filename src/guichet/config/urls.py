from django.contrib import admin
from django.urls import include, path

from guichet.core import views_mail, views_theme

admin.site.site_header = "Guichet — administration"
admin.site.site_title = "Guichet"
admin.site.index_title = "Administration de la plateforme"

urlpatterns = [
    # Sign-in pages first: the agents' password sign-in with its second factor also serves
    # /admin/login/; FranceConnect and ProConnect (guichet/identity).
    path("", include("guichet.identity.urls")),
    path("admin/", admin.site.urls),
    # Development only (404 otherwise): the e-mails the file backend kept.
    path("agents/courriels/", views_mail.sent_mails, name="sent_mails"),
    # The accent colour's stylesheet (guichet/core/theme.py), e.g. /theme/2d4a66.css.
    path("theme/<str:colour>.css", views_theme.theme_css, name="theme_css"),
    path("agents/agendas/", include("guichet.backoffice.agenda_urls")),
    path("agents/donnees/", include("guichet.backoffice.opendata_urls")),
    path("agents/participation/", include("guichet.backoffice.participation_urls")),
    path("agents/pilotage/", include("guichet.backoffice.contracts_urls")),
    path("agents/", include("guichet.backoffice.urls")),
    path("api/", include("guichet.api.urls")),
    path("open311/v2/", include("guichet.api.open311.urls")),
    # The SMS provider's webhook (docs/inbound-sms.md), 404 until a token is configured.
    path("canaux/", include("guichet.channels.urls")),
    path("notifications/", include("guichet.notifications.urls")),
    path("satisfaction/", include("guichet.satisfaction.urls")),
    path("rendez-vous/", include("guichet.portal.appointment_urls")),
    path("donnees/", include("guichet.portal.opendata_urls")),
    path("participer/", include("guichet.portal.participation_urls")),
    path("", include("guichet.portal.urls")),
]
# Uploaded files are never served from MEDIA_URL, not even in development: only the views that
# check who asks (e.g. backoffice `pieces/<pk>/`) open them.
