from django.urls import path

from guichet.notifications import views, views_broadcast, views_optout, views_templates

app_name = "notifications"

urlpatterns = [
    path("desabonnement/<str:token>/", views_optout.opt_out, name="optout"),
    path("apercu/<slug:authority>/<str:message_kind>/", views.preview, name="preview"),
    path(
        "apercu/<slug:authority>/<str:message_kind>/courriel/",
        views.preview_email,
        name="preview_email",
    ),
    path("diffusion/", views_broadcast.broadcast_page, name="broadcast"),
    path("diffusion/audience/", views_broadcast.audience_panel, name="broadcast_audience"),
    path("diffusion/<int:pk>/", views_broadcast.broadcast_detail, name="broadcast_detail"),
    path("diffusion/<int:pk>/etat/", views_broadcast.broadcast_status, name="broadcast_status"),
    path(
        "diffusion/<int:pk>/reprendre/", views_broadcast.broadcast_resume, name="broadcast_resume"
    ),
    path("modeles/", views_templates.template_list, name="templates"),
    path(
        "modeles/<slug:authority>/<str:message_kind>/",
        views_templates.template_edit,
        name="template_edit",
    ),
]
