from django.urls import path

from guichet.api.v1 import api as api_v1

urlpatterns: list = [path("v1/", api_v1.urls)]
