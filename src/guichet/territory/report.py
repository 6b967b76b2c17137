"""What an import changed, entity by entity, and how to say it in French."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from guichet.core.plurals import is_plural

# (key, French plural label, feminine?) in import order.
ENTITIES = [
    ("regions", "régions", True),
    ("departements", "départements", False),
    ("intercommunalities", "intercommunalités", True),
    ("communes", "communes", True),
    ("memberships", "adhésions aux intercommunalités", True),
    ("postcodes", "codes postaux", False),
    ("boundaries", "contours", False),
]


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows in the database that the files no longer list: kept (other rows may point to
    # them), only counted, so that a subset import never erases the national map.
    absent: int = 0
    # Only memberships are removed: the files are the authority on an EPCI's members.
    removed: int = 0
    skipped: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


@dataclass
class ImportReport:
    source: str
    counts: dict[str, EntityCounts] = field(
        default_factory=lambda: {key: EntityCounts() for key, _, _ in ENTITIES}
    )
    notes: list[str] = field(default_factory=list)
    unmatched_boundaries: list[str] = field(default_factory=list)
    members_not_found: int = 0
    parents_not_found: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """The report as French sentences, one per entity, then the warnings."""
        lines = [f"Import du territoire depuis {self.source}"]
        for key, label, feminine in ENTITIES:
            counts = self.counts[key]
            if counts.skipped:
                lines.append(f"  {label} : fichier absent, ignoré")
                continue
            e = "e" if feminine else ""
            parts = [
                _agree(counts.created, f"créé{e}", f"créé{e}s"),
                _agree(counts.updated, f"mis{e} à jour", f"mis{e and 'es'} à jour"),
                _agree(counts.unchanged, f"inchangé{e}", f"inchangé{e}s"),
            ]
            if counts.removed:
                parts.append(_agree(counts.removed, f"retiré{e}", f"retiré{e}s"))
            if counts.absent:
                parts.append(
                    _agree(
                        counts.absent,
                        f"absent{e} du fichier (conservé{e})",
                        f"absent{e}s du fichier (conservé{e}s)",
                    )
                )
            lines.append(f"  {label} : " + ", ".join(parts))
        if self.members_not_found:
            lines.append(
                "  "
                + _agree(
                    self.members_not_found,
                    "membre d'intercommunalité hors des communes importées : non rattaché",
                    "membres d'intercommunalités hors des communes importées : non rattachés",
                )
            )
        if self.parents_not_found:
            lines.append(
                "  communes de rattachement introuvables : " + ", ".join(self.parents_not_found)
            )
        if self.unmatched_boundaries:
            lines.append(
                "  "
                + _agree(
                    len(self.unmatched_boundaries),
                    "contour sans commune correspondante",
                    "contours sans commune correspondante",
                )
                + " (communes fusionnées depuis 2018 ?) : "
                + ", ".join(self.unmatched_boundaries)
            )
        lines.extend(f"  {note}" for note in self.notes)
        if not self.changed:
            lines.append("Aucun changement.")
        return lines


def _agree(count: int, singular: str, plural: str) -> str:
    """« 1 commune créée », « 2 communes créées »: the words agree with the count."""
    return f"{count} {plural if is_plural(count) else singular}"
