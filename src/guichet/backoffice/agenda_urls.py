"""Back-office pages: agendas, bookings on a person's behalf (`/agents/agendas/`)."""

from django.urls import path

from guichet.backoffice.views import agendas as agents

app_name = "agendas"
urlpatterns = [
    path("", agents.places, name="places"),
    path("<int:place>/", agents.agenda, name="agenda"),
    path("<int:place>/reserver/", agents.book, name="book"),
    path("rdv/<int:pk>/", agents.detail, name="detail"),
    path("rdv/<int:pk>/annuler/", agents.cancel, name="cancel"),
    path("rdv/<int:pk>/deplacer/", agents.move, name="move"),
    path("rdv/<int:pk>/present/", agents.attended, name="attended"),
    path("rdv/<int:pk>/absent/", agents.no_show, name="no_show"),
]
