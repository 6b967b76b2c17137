"""The back office's menu: each entry with the permission its page asks for.

An entry is shown only to an agent whose role holds its permission for at least one of their
authorities — the rule the pages apply themselves (`selectors.authorities_where`, the roles'
table in `authorities/access.py`): an instructeur sees no « Retards » nor « Règles
d'orientation », which would only answer « Accès refusé ». `tests/backoffice/test_menu.py`
opens every entry shown, and every entry hidden, for each role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from guichet.authorities.access import memberships_of, role_permits


@dataclass(frozen=True)
class Entry:
    nav: str  # the `nav` a page puts in its context to be the current entry
    label: str
    url_name: str
    permission: str  # authorities.access.PERMISSIONS

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ENTRIES: tuple[Entry, ...] = (
    Entry("queue", "File des demandes", "backoffice:home", "view_requests"),
    Entry("intake", "Nouvelle demande", "backoffice:intake", "file_on_behalf"),
    Entry("agendas", "Agendas", "agendas:places", "view_requests"),
    Entry("overdue", "Retards", "backoffice:overdue", "view_dashboards"),
    Entry("routing", "Règles d'orientation", "backoffice:routing", "manage_routing"),
    Entry("areas", "Secteurs", "backoffice:areas", "manage_routing"),
    Entry("opendata", "Données ouvertes", "opendata_admin:index", "manage_routing"),
    Entry("dashboards", "Tableaux de bord", "backoffice:dashboard", "view_dashboards"),
    Entry("satisfaction", "Satisfaction", "satisfaction:scores", "view_dashboards"),
    Entry("broadcast", "Diffusion", "notifications:broadcast", "broadcast"),
    Entry("register", "Registre des traitements", "backoffice:register", "view_dashboards"),
    Entry("designer", "Concepteur de démarches", "backoffice:designer:services", "design_services"),
    Entry("briefings", "Notes aux élus", "steering:briefings", "read_briefings"),
    Entry("contracts", "Contrats de délégation", "contracts:list", "view_dashboards"),
)
# Entries also shown to every ranked agent of an operator (its contracts are its work).
FOR_OPERATORS = frozenset({"contracts"})


def entries_for(user) -> list[Entry]:
    """The entries `user` may open: one query (their roles), none per entry."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return []
    if user.is_superuser:
        return list(ENTRIES)
    held = set(memberships_of(user).values_list("role", "authority__kind"))
    roles = {role for role, _ in held}
    # a ranked role (every one reads requests; a designer or an élu does not)
    operator = any(k == "operator" and role_permits(r, "view_requests") for r, k in held)
    return [
        e for e in ENTRIES
        if any(role_permits(role, e.permission) for role in roles)
        or (operator and e.nav in FOR_OPERATORS)
    ]  # fmt: skip
