"""The public open-data pages (/donnees/): the data sets, their files and the DCAT catalogue."""

from django.urls import path, re_path

from guichet.portal import views_opendata as views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^catalogue\.(?P<name>ttl|jsonld|rdf)$", views.catalogue, name="catalogue"),
    path("<slug:slug>/", views.dataset, name="dataset"),
    path("<slug:slug>/fichiers/<str:filename>", views.download, name="file"),
]
