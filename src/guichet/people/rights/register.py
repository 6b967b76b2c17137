"""The register of processing (*registre des traitements*, RGPD art. 30), built from the
configuration rather than typed in: the controller from the settings (`GUICHET_OPERATOR_*`,
`GUICHET_DPO_CONTACT`), then one processing per purpose.

`people` sits below the apps whose processing it lists (cases, appointments, notifications,
satisfaction, identity): each describes its own in a module `data_register.py`, found when
the register is first built, which calls `contribute` with a function returning its
`Processing` rows. The access log is described here: it is the rights' own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from guichet.core import clock
from guichet.core.plurals import ngettext

NO_TRANSFER = "aucun transfert hors de l'Union européenne"
PUBLIC_MISSION = "mission d'intérêt public (art. 6.1.e du RGPD)"
LEGAL_OBLIGATION = "obligation légale (art. 6.1.c du RGPD)"
CONSENT = "consentement (art. 6.1.a du RGPD)"


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    contact_email: str
    dpo_contact: str
    base_url: str


@dataclass(frozen=True)
class Processing:
    """One line of the register: a purpose and what it processes, for whom, how long."""

    group: str  # « Relation usager », « Rendez-vous »… (the register's sections)
    name: str  # the processing's name (a service's name for a request)
    purpose: str
    legal_basis: str
    subjects: tuple[str, ...]
    data: tuple[str, ...]  # categories of personal data
    recipients: tuple[str, ...]
    retention: str
    retention_days: int | None = None
    category: str = ""  # the catalogue's category, for requests
    transfers: str = NO_TRANSFER
    security: tuple[str, ...] = field(default_factory=tuple)
    # How many agents may read the data, per authority: the back office's register only (the
    # public summary names the recipients, not the size of their staff).
    staff: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Register:
    controller: Controller
    processings: tuple[Processing, ...]
    generated_at: datetime

    def groups(self) -> list[tuple[str, list[Processing]]]:
        """The processings by group, in the order the contributions came."""
        found: dict[str, list[Processing]] = {}
        for processing in self.processings:
            found.setdefault(processing.group, []).append(processing)
        return list(found.items())


Contribution = Callable[[], Iterable[Processing]]
_CONTRIBUTIONS: dict[str, Contribution] = {}
# The order of the register's sections; a contribution with another key comes after them.
ORDER = ("requests", "appointments", "notifications", "satisfaction", "sign_in", "access_log")


def contribute(key: str, describe: Contribution) -> None:
    """Add (or replace) the processings `describe()` returns, under `key` (its app's part)."""
    _CONTRIBUTIONS[key] = describe


@cache
def _discover() -> None:
    autodiscover_modules("data_register")


def controller() -> Controller:
    contact = settings.GUICHET_OPERATOR_CONTACT_EMAIL
    return Controller(
        name=settings.GUICHET_OPERATOR_NAME,
        address=settings.GUICHET_OPERATOR_ADDRESS,
        contact_email=contact,
        dpo_contact=settings.GUICHET_DPO_CONTACT or contact,
        base_url=settings.GUICHET_BASE_URL,
    )


def build_register() -> Register:
    """The register as the configuration and the catalogue say now (a few queries per
    section, none per service beyond the catalogue's own)."""
    _discover()
    keys = sorted(_CONTRIBUTIONS, key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k))
    processings = [p for key in keys for p in _CONTRIBUTIONS[key]()]
    return Register(
        controller=controller(), processings=tuple(processings), generated_at=clock.now()
    )


def duration(days: int) -> str:
    """« 3 ans », « 18 mois », « 45 jours »: the largest exact unit."""
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} " + ngettext("an", "ans", years)
    if days and days % 30 == 0:
        return f"{days // 30} mois"
    return f"{days} " + ngettext("jour", "jours", days)


def retention_days(service_days: int | None) -> int:
    """A service's own duration, else the platform's (`GUICHET_RETENTION_DAYS`)."""
    return service_days if service_days is not None else settings.GUICHET_RETENTION_DAYS


# CSV: one row per processing, lists joined by « ; ».
HEADER = (
    "Section",
    "Traitement",
    "Catégorie",
    "Finalité",
    "Base légale",
    "Personnes concernées",
    "Catégories de données",
    "Destinataires",
    "Agents habilités",
    "Transferts hors UE",
    "Durée de conservation",
    "Durée (jours)",
    "Mesures de sécurité",
)


def csv_rows(register: Register) -> list[list[object]]:
    return [
        [
            p.group, p.name, p.category, p.purpose, p.legal_basis, " ; ".join(p.subjects),
            " ; ".join(p.data), " ; ".join(p.recipients), " ; ".join(p.staff), p.transfers, p.retention,
            p.retention_days, " ; ".join(p.security),
        ]
        for p in register.processings
    ]  # fmt: skip


COMMON_SECURITY = (
    "accès des agents limité aux usagers en relation avec leur collectivité",
    "chaque consultation d'une fiche par un agent est journalisée",
    "connexion chiffrée (HTTPS)",
)


def _access_log() -> list[Processing]:
    return [
        Processing(
            group="Sécurité et traçabilité",
            name="Journal des accès aux données personnelles",
            purpose="Savoir quel agent a consulté la fiche d'un usager ou les données "
            "personnelles d'une demande, et le dire à l'usager qui exerce son droit d'accès.",
            legal_basis=LEGAL_OBLIGATION + " : sécurité du traitement (art. 32 du RGPD)",
            subjects=("usagers", "agents des collectivités"),
            data=("identifiant de l'agent", "usager ou demande consultés", "date et heure"),
            recipients=(
                "responsables et administrateurs des collectivités",
                "l'usager concerné (dans l'export de ses données)",
            ),
            retention="aussi longtemps que la fiche de l'usager, effacé ou pseudonymisé avec elle",
            security=("journal en ajout seul",),
        )
    ]


contribute("access_log", _access_log)
