"""A small world for the contracts tests: Vallée Sud delegates bulky-waste and bin repairs
in Sceaux and Bourg-la-Reine to an operator; a handful of requests at known moments, each
answered, chased, resolved and surveyed so every indicator can be computed by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.management import call_command

from guichet.authorities import actions as authorities
from guichet.authorities.models import Authority, Role
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.contracts import actions
from guichet.contracts.actions import IndicatorSpec
from guichet.contracts.models import IndicatorKind as K
from guichet.core import clock
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.people import actions as people
from guichet.people.models import Verification
from guichet.satisfaction import actions as satisfaction
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")
PASSWORD = "motdepasse-test-1234"
OBJECT = "meubles"
FORM = {"probleme": "bac_abime", "type_bac": "tri", "adresse": "3 rue Houdan"}


def agent(username: str, authority: Authority, role: str) -> User:
    account = User.objects.create_user(username, f"{username}@exemple.fr", PASSWORD)
    authorities.add_agent(actor=SYSTEM, user=account, authority=authority, role=role)
    return account


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    w = SimpleNamespace()
    w.sceaux = territory.commune_by_code("92071")
    w.bourg = territory.commune_by_code("92014")
    ept = next(i for i in territory.intercommunalities_of(w.sceaux) if i.kind == "EPT")
    w.ept = authorities.create_authority(
        actor=SYSTEM, kind="intercommunality", name=ept.name, slug="vallee-sud",
        intercommunality=ept,
    )  # fmt: skip
    w.operator = authorities.create_authority(
        actor=SYSTEM, kind="operator", name="Collecte Sud", slug="collecte-sud",
        operator_sector="déchets",
    )  # fmt: skip
    w.other = authorities.create_authority(
        actor=SYSTEM, kind="operator", name="Eaux du Sud", slug="eaux-du-sud",
        operator_sector="eau",
    )  # fmt: skip
    for authority in (w.ept, w.operator, w.other):
        authorities.create_team(
            actor=SYSTEM, authority=authority, name="Accueil", slug="accueil", is_default=True
        )
    w.bins = Service.objects.get(slug="bac-abime-collecte")  # promise: 10 working days
    w.bulky = Service.objects.get(slug="encombrants")
    for service in (w.bins, w.bulky):
        authorities.record_delegation(
            actor=SYSTEM, service=service, granting_authority=w.ept,
            receiving_authority=w.operator, communes=[w.sceaux, w.bourg],
        )  # fmt: skip
    w.handler = agent("agent.collecte", w.operator, Role.CASE_HANDLER)
    w.operator_manager = agent("responsable.collecte", w.operator, Role.MANAGER)
    w.manager = agent("responsable.vallee-sud", w.ept, Role.MANAGER)
    w.admin = agent("admin.vallee-sud", w.ept, Role.ADMINISTRATOR)
    w.outsider = agent("responsable.eaux", w.other, Role.MANAGER)
    w.alice = people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice@exemple.fr",
        phone=None, commune=w.sceaux, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    w.contract = actions.create_contract(
        authority=w.ept, operator=w.operator, title="DSP collecte 2026", reference="DEL-2025-12",
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), services=[w.bins, w.bulky],
        communes=[w.sceaux, w.bourg], actor=Actor.agent(w.admin),
        indicators=[
            IndicatorSpec(K.ANSWER_DELAY, 2, 1, 500),
            IndicatorSpec(K.RESOLVE_DELAY, 5, 0, None, w.bins),
            IndicatorSpec(K.WITHIN_PROMISE, 90, 5, 1000),
            IndicatorSpec(K.FIRST_CONTACT, 80, 0),
            IndicatorSpec(K.REPEAT_CONTACTS, 10, 0),
            IndicatorSpec(K.SATISFACTION, Decimal("4"), Decimal("0.5")),
            IndicatorSpec(K.COMPLAINTS, 0, 0, 200),
        ],
    )  # fmt: skip
    w.requests = history(w)
    return w


def _file(w, when: datetime, service: Service, commune) -> Request:
    with clock.frozen_at(when):
        return cases.submit_request(
            service=service, person=w.alice, channel="web", actor=SYSTEM,
            form_data=dict(FORM) if service == w.bins else _bulky_form(), commune=commune,
        )  # fmt: skip


def _bulky_form() -> dict:
    return {
        "adresse": "3 rue Houdan", "objets": [OBJECT], "liste_objets": "Un canapé",
        "volume_m3": 1, "telephone": "0612345678", "engagement": True,
    }  # fmt: skip


def _step(w, request: Request, when: datetime, to: str) -> Request:
    request = Request.objects.get(pk=request.pk)
    with clock.frozen_at(when):
        return cases.change_status(
            request=request,
            to=to,
            actor=Actor.agent(w.handler),
            role="case_handler",
            note="Bac remplacé." if to == "resolved" else "",
        )


def _message(w, request: Request, when: datetime) -> None:
    with clock.frozen_at(when):
        cases.send_message(request=request, actor=Actor.agent(w.handler), body="Nous passons.")


def _chase(w, request: Request, when: datetime) -> None:
    with clock.frozen_at(when):
        cases.record_contact(request=request, channel="phone", actor=Actor.agent(w.handler))


def _survey(request: Request, when: datetime, *, resolved: bool, score: int, comment: str = ""):
    request = Request.objects.get(pk=request.pk)
    with clock.frozen_at(when):
        survey = satisfaction.open_survey(request=request, actor=SYSTEM)
        satisfaction.answer_survey(survey=survey, resolved=resolved, score=score, comment=comment)


def history(w) -> dict[str, Request]:
    """Four requests in March 2026 (Mon 2 March onwards), one in April, one outside scope.

    a — bins, Sceaux, Mon 2/3: message Wed 4/3 (2 wd), resolved Fri 6/3 (4 wd), surveyed 5
    a's survey comment names Alice, her phone and her e-mail (the reports must strip them)
    b — bins, Bourg, Mon 2/3: chased Tue 3/3, resolved Mon 16/3 (10 wd), surveyed 2, « non
        résolu »
    c — bulky, Sceaux, Tue 3/3: message Thu 12/3 (7 wd), never resolved
    d — bins, Sceaux, Wed 4/3: resolved Mon 23/3 (13 wd, > 10 promised), no message
    e — bins, Sceaux, Wed 1/4: message Thu 2/4 (1 wd), resolved same day (1 wd), surveyed 4
    x — bins, Sceaux, 2025-12-15: before the contract
    """
    r = {}
    r["a"] = _file(w, at("2026-03-02"), w.bins, w.sceaux)
    r["b"] = _file(w, at("2026-03-02", 11), w.bins, w.bourg)
    r["c"] = _file(w, at("2026-03-03"), w.bulky, w.sceaux)
    r["d"] = _file(w, at("2026-03-04"), w.bins, w.sceaux)
    r["e"] = _file(w, at("2026-04-01"), w.bins, w.sceaux)
    r["x"] = _file(w, at("2025-12-15"), w.bins, w.sceaux)
    for key in "abcdex":
        r[key] = _step(
            w, r[key], at("2026-03-02", 12) if key in "ab" else r[key].received_at, "in_progress"
        )
    _message(w, r["a"], at("2026-03-04"))
    _step(w, r["a"], at("2026-03-06"), "resolved")
    _chase(w, r["b"], at("2026-03-03"))
    _step(w, r["b"], at("2026-03-16"), "resolved")
    _message(w, r["c"], at("2026-03-12"))
    _step(w, r["d"], at("2026-03-23"), "resolved")
    _message(w, r["e"], at("2026-04-02"))
    _step(w, r["e"], at("2026-04-02", 15), "resolved")
    _survey(
        r["a"], at("2026-03-07"), resolved=True, score=5,
        comment="Très rapide, merci ! Alice Martin, 06 12 34 56 78, alice@exemple.fr",
    )  # fmt: skip
    # « non résolu » without a comment: a complaint that does not reopen the request
    _survey(r["b"], at("2026-03-17"), resolved=False, score=2)
    _survey(r["e"], at("2026-04-03"), resolved=True, score=4)
    return {k: Request.objects.get(pk=v.pk) for k, v in r.items()}
