from django.urls import path

from guichet.satisfaction import views

app_name = "satisfaction"

urlpatterns = [
    path("scores/", views.scores_page, name="scores"),
    path("scores/export.csv", views.scores_csv, name="scores_csv"),
    path("<str:token>/", views.survey, name="survey"),
    path("<str:token>/merci/", views.thanks, name="thanks"),
]
