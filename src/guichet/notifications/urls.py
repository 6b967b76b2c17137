from django.urls import path

from guichet.notifications import views

app_name = "notifications"

urlpatterns = [
    path("desabonnement/<str:token>/", views.opt_out, name="optout"),
    path("apercu/<slug:authority>/<str:message_kind>/", views.preview, name="preview"),
]
