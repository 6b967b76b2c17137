"""Open311 GeoReport v2 under /open311/v2/: each resource in JSON or XML by its extension."""

from django.urls import path, re_path

from guichet.api.open311 import views

app_name = "open311"

FORMAT = r"(?:\.(?P<fmt>\w+))?$"

urlpatterns = [
    path("", views.root, name="root"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    path("requests/<str:reference>/media", views.media, name="media"),
    re_path(r"^requests/(?P<reference>[^/]+?)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.token, name="token"),
    re_path(r"^(?P<rest>.*?)" + FORMAT, views.not_found, name="not_found"),
]
