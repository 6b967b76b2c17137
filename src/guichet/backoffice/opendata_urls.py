"""The authority's open-data pages (/agents/donnees/)."""

from django.urls import path

from guichet.backoffice.opendata import views

app_name = "opendata_admin"
urlpatterns = [
    path("", views.index, name="index"),
    path("preparer/", views.prepare, name="prepare"),
    path("<int:pk>/choix/", views.choose, name="choose"),
    path("<int:pk>/publier/", views.publish, name="publish"),
]
