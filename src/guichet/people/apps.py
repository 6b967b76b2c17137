from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "guichet.people"
    label = "people"
    verbose_name = "Usagers (fiche citoyen)"
