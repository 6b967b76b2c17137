from django.contrib.auth import views as auth_views
from django.urls import path

from guichet.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="backoffice/login.html"),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(next_page="portal:home"), name="logout"),
]
