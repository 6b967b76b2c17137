"""The platform admin never writes around the actions and the journal.

Every model registered in the admin is either read-only there, or saved through its app's
action: posting its admin form (as a browser would, as a superuser) appends exactly one
journal event of the action's kind. The lists below are read from `admin.site._registry`, so
a model registered later with a plain ModelAdmin fails here until it goes through an action
(a case in CASES) or is made read-only.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from cases import conftest as request_world
from cases.factories import SYSTEM, file_request, service
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ManyToManyRawIdWidget
from django.test import RequestFactory
from django.urls import reverse

from guichet.api import keys
from guichet.appointments import actions as appointments
from guichet.appointments.models import Closure, Desk, Place
from guichet.authorities.models import AgentMembership
from guichet.cases.actions import save_routing_rule, save_workflow_definition
from guichet.cases.models import RoutingRule
from guichet.cases.workflow import DEFAULT_WORKFLOW
from guichet.catalogue.models import Category, WorkflowDefinition
from guichet.core import clock
from guichet.core.models import Event, User
from guichet.notifications.actions import save_template
from guichet.notifications.models import Notification
from guichet.people import actions as people
from guichet.people.models import Household
from guichet.satisfaction.actions import configure_service

# the request tests' world (the shipped territory and catalogue, authorities, agents, persons)
_module_world, world = request_world._module_world, request_world.world
_media_in_tmp = request_world._media_in_tmp


@pytest.fixture
def admin_client(client, world):
    """A superuser's session (no password: hashing one per test costs seconds)."""
    client.force_login(User.objects.create(username="root", is_superuser=True, is_staff=True))
    return client


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    return request


_SUPERUSER = _superuser_request()
REGISTERED = {model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()}  # fmt: skip
ADDABLE = sorted(label for label, ma in REGISTERED.items() if ma.has_add_permission(_SUPERUSER))
CHANGEABLE = sorted(
    label for label, ma in REGISTERED.items() if ma.has_change_permission(_SUPERUSER)
)
DELETABLE = sorted(
    label for label, ma in REGISTERED.items() if ma.has_delete_permission(_SUPERUSER)
)
READ_ONLY = sorted(set(REGISTERED) - set(ADDABLE) - set(CHANGEABLE) - set(DELETABLE))


@dataclass
class Case:
    """How to exercise one writable admin, and the event its action appends."""

    kind: str  # the event of a change (and of an addition, unless `added` says otherwise)
    existing: Callable[[Any], Any] | None = None  # (world) -> a row to change
    change: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)
    add: Callable[[Any], dict[str, Any]] | None = None  # (world) -> the fields to fill in
    added: str = ""
    deleted: str = ""
    added_status: int = 302  # the admin's redirection, or a page showing what was created


def _later(days: int) -> dict[str, str]:
    start = clock.now() + timedelta(days=days)
    return {
        "start_0": f"{start:%Y-%m-%d}", "start_1": "08:00:00",
        "end_0": f"{start:%Y-%m-%d}", "end_1": "18:00:00",
    }  # fmt: skip


def _place(w) -> Place:
    place = Place(authority=w.sceaux, name="Mairie de Sceaux", commune=w.sceaux_commune)
    return appointments.save_place(place=place, actor=SYSTEM, rows=[Desk(name="Guichet 1")])


def _closure(w) -> Closure:
    place = _place(w)
    start = clock.now() + timedelta(days=3)
    closure = Closure(place=place, start=start, end=start + timedelta(hours=4), reason="grève")
    return appointments.save_closure(closure=closure, actor=SYSTEM)


def _rule(w) -> RoutingRule:
    rule = RoutingRule(authority=w.sceaux, team=w.sceaux_voirie, position=1)
    return save_routing_rule(actor=SYSTEM, rule=rule)


def _workflow(w) -> WorkflowDefinition:
    return save_workflow_definition(
        actor=SYSTEM,
        definition=WorkflowDefinition(slug="circuit-court"),
        name="Circuit court",
        document=DEFAULT_WORKFLOW.as_definition(),
    )


_addresses = itertools.count(1)


def _attempt(w) -> Any:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username="instructeur.sceaux", ip_address=f"192.0.2.{next(_addresses)}", user_agent="navigateur",
        http_accept="*/*", path_info="/admin/login/", get_data="", post_data="",
        failures_since_start=5,
    )  # fmt: skip


def _device(w) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=w.agent_sceaux, name="application", confirmed=True)


CASES: dict[str, Case] = {
    "axes.accessattempt": Case(kind="", existing=_attempt, deleted="account.unlocked"),
    "otp_totp.totpdevice": Case(kind="", existing=_device, deleted="account.totp_removed"),
    "api.apikey": Case(
        kind="api.key_rate_limit_changed",
        existing=lambda w: keys.issue_key(
            actor=SYSTEM, authority=w.sceaux, application="Appli", scopes=["read"]
        )[0],
        change={"rate_limit": "120"},
        add=lambda w: {"authority": w.sceaux.pk, "application": "Signalements", "scopes": ["read"]},
        added="api.key_issued",
        added_status=200,
    ),
    "core.user": Case(
        kind="account.changed",
        existing=lambda w: w.agent_sceaux,
        change={"first_name": "Inès"},
        add=lambda w: {
            "username": "nouvel.agent",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "usable_password": "true",
        },
        added="account.created",
    ),
    "catalogue.service": Case(
        kind="catalogue.service_changed",
        existing=lambda w: service("signalement-voirie"),
        change={"summary": "Signaler un problème sur la voirie."},
        add=lambda w: {
            "name": "Prêt de matériel",
            "slug": "pret-materiel",
            "category": service("signalement-voirie").category_id,
            "kind": service("signalement-voirie").kind,
            "level": "communal",
            "summary": "Emprunter tables et barrières.",
            "form_definition": "[]",
        },
    ),
    "catalogue.category": Case(
        kind="catalogue.category_changed",
        existing=lambda w: Category.objects.first(),
        change={"icon": "fr-icon-road-map-line"},
        add=lambda w: {"name": "Loisirs", "slug": "loisirs"},
    ),
    "catalogue.workflowdefinition": Case(
        kind="cases.workflow_definition_saved",
        existing=_workflow,
        change={"name": "Circuit très court"},
        add=lambda w: {
            "slug": "circuit-long",
            "name": "Circuit long",
            "definition": json.dumps(DEFAULT_WORKFLOW.as_definition()),
        },
    ),
    "authorities.authority": Case(
        kind="authority.changed",
        existing=lambda w: w.sceaux,
        change={"contact_phone": "01 41 13 33 00"},
        add=lambda w: {
            "kind": "operator",
            "name": "Eau du Val",
            "slug": "eau-du-val",
            "operator_sector": "eau",
        },  # fmt: skip
        added="authority.created",
    ),
    "authorities.team": Case(
        kind="authority.team_changed",
        existing=lambda w: w.sceaux_voirie,
        change={"name": "Voirie et propreté"},
        add=lambda w: {"authority": w.sceaux.pk, "name": "Urbanisme", "slug": "urbanisme"},
        added="authority.team_created",
    ),
    "authorities.agentmembership": Case(
        kind="authority.agent_changed",
        existing=lambda w: AgentMembership.objects.get(user=w.agent_sceaux),
        change={"role": "manager"},
        add=lambda w: {"user": w.agent_tours.pk, "authority": w.sceaux.pk, "role": "front_desk"},
        added="authority.agent_added",
        deleted="authority.agent_removed",
    ),
    "authorities.competenceassignment": Case(
        kind="competence.delegated",
        add=lambda w: {
            "kind": "delegation",
            "service": service("encombrants").pk,
            "granting_authority": w.metropole.pk,
            "receiving_authority": w.operator.pk,
        },
    ),
    "people.person": Case(
        kind="person.changed", existing=lambda w: w.alice, change={"address": "1 rue Houdan"}
    ),
    "people.organisation": Case(
        kind="organisation.changed",
        existing=lambda w: people.create_organisation(
            actor=SYSTEM, kind="association", name="Les Amis du Parc"
        ),
        change={"name": "Les Amis du Parc de Sceaux"},
        add=lambda w: {"kind": "association", "name": "Sceaux Solidarité"},
        added="organisation.created",
    ),
    "people.household": Case(
        kind="household.changed",
        existing=lambda w: people.save_household(
            actor=SYSTEM, household=Household(), name="Foyer Martin"
        ),
        change={"name": "Foyer Martin-Durand"},
        add=lambda w: {"name": "Foyer Durand"},
        added="household.created",
    ),
    "cases.routingrule": Case(
        kind="cases.routing_rule_saved",
        existing=_rule,
        change={"position": "3"},
        add=lambda w: {"authority": w.sceaux.pk, "team": w.sceaux_voirie.pk, "position": "2"},
        deleted="cases.routing_rule_deleted",
    ),
    "notifications.messagetemplate": Case(
        kind="notification.template_changed",
        existing=lambda w: save_template(
            actor=SYSTEM,
            authority=w.sceaux,
            message_kind="receipt",
            subject="Sceaux a reçu {{ reference }}",
            text="",
            sms="",
        ),  # fmt: skip
        change={"subject": "Ville de Sceaux : demande {{ reference }}"},
        add=lambda w: {
            "authority": w.sceaux.pk,
            "message_kind": "status",
            "subject": "Votre demande {{ reference }} avance",
        },  # fmt: skip
    ),
    "satisfaction.surveysettings": Case(
        kind="satisfaction.settings_changed",
        existing=lambda w: configure_service(
            service=service("signalement-voirie"), reopen_when_not_resolved=False, actor=SYSTEM
        ),
        change={"reopen_when_not_resolved": "on"},
        add=lambda w: {"service": service("encombrants").pk, "reopen_when_not_resolved": "on"},
    ),
    "appointments.place": Case(
        kind="appointment.place_saved",
        existing=_place,
        change={"name": "Hôtel de ville de Sceaux"},
        add=lambda w: {"authority": w.sceaux.pk, "name": "Mairie annexe des Blagis"},
    ),
    "appointments.closure": Case(
        kind="appointment.closure_saved",
        existing=_closure,
        change={"reason": "travaux"},
        add=lambda w: {"place": _place(w).pk, "reason": "pont", **_later(10)},
        deleted="appointment.closure_deleted",
    ),
}


def posted(page) -> dict[str, Any]:
    """What a browser posts back from an admin form page, left as it was shown."""
    context = page.context
    every_form = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        every_form += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in every_form:
        for name, form_field in form.fields.items():
            bound = form[name]
            value = bound.value()
            widget = getattr(form_field.widget, "widget", form_field.widget)  # unwrapped
            if isinstance(widget, forms.MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                for index, part in enumerate(parts):
                    text = widget.widgets[index].format_value(part)
                    data[f"{bound.html_name}_{index}"] = text or ""
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(widget, ManyToManyRawIdWidget):
                data[bound.html_name] = ",".join(str(v) for v in value or [])
            elif getattr(widget, "allow_multiple_selected", False):
                data[bound.html_name] = [str(v) for v in value or []]
            else:
                data[bound.html_name] = "" if value is None else str(value)
            if form_field.show_hidden_initial:
                data[bound.html_initial_name] = data.get(bound.html_name, "")
    return data


def _url(label: str, view: str, *args) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def _new_events(before: int) -> list[str]:
    return list(Event.objects.filter(pk__gt=before).order_by("pk").values_list("kind", flat=True))


def _last_event() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _errors(response) -> str:
    context = response.context or {}
    if "adminform" not in context:
        return f"HTTP {response.status_code}"
    found = [context["adminform"].form.errors]
    found += [inline.formset.errors for inline in context.get("inline_admin_formsets", [])]
    return repr(found)


def test_every_writable_model_of_the_admin_has_a_case():
    # given the models the admin lets a superuser add, change or delete
    writable = set(ADDABLE) | set(CHANGEABLE) | set(DELETABLE)
    # then each one is exercised below through its action (or the admin must be read-only)
    assert sorted(writable - set(CASES)) == []
    # and no case is left for a model that became read-only (django-axes' admin is only
    # registered where it keeps its attempts in the database)
    assert sorted((set(CASES) - writable) & set(REGISTERED)) == []


@pytest.mark.parametrize("label", CHANGEABLE)
def test_a_change_saved_in_the_admin_appends_one_event_of_its_action(admin_client, world, label):
    # given a row the product wrote through its action
    case = CASES[label]
    row = case.existing(world)
    url = _url(label, "change", row.pk)
    page = admin_client.get(url)
    assert page.status_code == 200
    change = case.change(world) if callable(case.change) else case.change
    # when a superuser changes it in the admin and saves
    before = _last_event()
    response = admin_client.post(url, posted(page) | change)
    # then the action wrote it, with exactly one event of its kind
    assert response.status_code == 302, _errors(response)
    assert _new_events(before) == [case.kind]
    row.refresh_from_db()
    name, value = next(iter(change.items()))
    stored = getattr(row, name)
    assert str(stored) == value or (value == "on" and stored is True)


@pytest.mark.parametrize("label", ADDABLE)
def test_a_row_added_in_the_admin_appends_one_event_of_its_action(admin_client, world, label):
    # given the admin's add page
    case = CASES[label]
    assert case.add is not None, f"{label}: the admin allows adding, give its fields"
    fields = case.add(world)
    page = admin_client.get(_url(label, "add"))
    assert page.status_code == 200
    # when a superuser fills it in and saves
    before = _last_event()
    response = admin_client.post(_url(label, "add"), posted(page) | fields)
    # then the action wrote it, with exactly one event of its kind
    assert response.status_code == case.added_status, _errors(response)
    assert _new_events(before) == [case.added or case.kind]


@pytest.mark.parametrize("label", sorted(set(REGISTERED) - set(DELETABLE)))
def test_deleting_is_refused_where_no_action_deletes(admin_client, world, label):
    # given a model whose rows no action deletes
    model = REGISTERED[label].model
    row = model.objects.first()
    # then the admin offers no bulk deletion, and refuses the delete page
    listing = admin_client.get(_url(label, "changelist"))
    assert listing.status_code == 200
    assert "delete_selected" not in (listing.context["action_form"].fields["action"].choices
                                     if listing.context.get("action_form") else "")  # fmt: skip
    if row is not None:
        assert admin_client.get(_url(label, "delete", row.pk)).status_code == 403


@pytest.mark.parametrize("label", DELETABLE)
def test_bulk_deletion_goes_through_the_action(admin_client, world, label):
    # given two rows the product wrote
    case = CASES[label]
    assert case.deleted, f"{label}: the admin allows deleting, name the action's event"
    if label == "authorities.agentmembership":
        rows = [AgentMembership.objects.get(user=world.agent_sceaux)]
        rows.append(AgentMembership.objects.get(user=world.manager_sceaux))
    else:
        rows = [case.existing(world), case.existing(world)]
    # when a superuser deletes them with the list's "delete selected" action
    before = _last_event()
    response = admin_client.post(
        _url(label, "changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )
    # then each went through the action: gone, with one event each
    assert response.status_code == 302
    assert _new_events(before) == [case.deleted] * len(rows)
    assert not type(rows[0]).objects.filter(pk__in=[r.pk for r in rows]).exists()


@pytest.mark.parametrize("label", READ_ONLY)
def test_read_only_models_refuse_add_change_and_delete(admin_client, world, label):
    # given a model written only by its actions (or imported reference data)
    model = REGISTERED[label].model
    # then the admin refuses to add one
    assert admin_client.get(_url(label, "add")).status_code == 403
    row = model.objects.first()
    if row is not None:
        # and shows an existing one without any save button
        page = admin_client.get(_url(label, "change", row.pk))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        before = _last_event()
        refused = admin_client.post(_url(label, "change", row.pk), {"_save": "1"})
        assert refused.status_code == 403
        assert _new_events(before) == []


def test_the_journal_and_the_outbox_are_read_only(world):
    # given a filing, which journals its receipt and queues its notifications
    file_request(world)
    # then both the journal and the outbox are among the read-only admins
    assert {"core.event", "notifications.notification", "cases.request"} <= set(READ_ONLY)
    assert Notification.objects.exists() and Event.objects.exists()


def test_the_unused_third_party_admins_are_gone():
    # the product uses neither auth groups nor the DSFR package's site settings
    assert "auth.group" not in REGISTERED
    assert "dsfr.dsfrconfig" not in REGISTERED


def test_a_broken_template_is_refused_in_french_and_filings_still_work(admin_client, world):
    # given Sceaux's receipt template in the admin
    template = save_template(
        actor=SYSTEM, authority=world.sceaux, message_kind="receipt",
        subject="Sceaux a reçu {{ reference }}", text="", sms="",
    )  # fmt: skip
    url = _url("notifications.messagetemplate", "change", template.pk)
    data = posted(admin_client.get(url))
    # when an administrator saves an unknown variable and an unclosed tag
    before = _last_event()
    response = admin_client.post(
        url, data | {"subject": "Demande {{ numero }}", "text": "{% if reference %}Reçu"}
    )
    # then the form says why, in French, and nothing is saved or journaled
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Variable inconnue : « numero »" in errors["subject"][0]
    assert errors["text"]
    assert _new_events(before) == []
    template.refresh_from_db()
    assert template.subject == "Sceaux a reçu {{ reference }}"
    # and a request filed in Sceaux still goes through, with its receipt
    request = file_request(world)
    receipt = Notification.objects.get(request=request, channel="email")
    assert receipt.subject == f"Sceaux a reçu {request.reference}"


def test_adding_a_template_twice_is_refused_in_french(admin_client, world):
    # given Sceaux's receipt template
    save_template(
        actor=SYSTEM, authority=world.sceaux, message_kind="receipt", subject="", text="", sms=""
    )
    url = _url("notifications.messagetemplate", "add")
    # when an administrator adds another one for the same kind
    response = admin_client.post(
        url,
        posted(admin_client.get(url)) | {"authority": world.sceaux.pk, "message_kind": "receipt"},
    )
    # then it is refused, in French
    assert response.status_code == 200
    assert "déjà un modèle" in response.content.decode()


def test_the_default_team_rule_holds_in_the_admin(admin_client, world):
    # given Sceaux's default team and its "Voirie" team
    default = world.sceaux.teams.get(is_default=True)
    url = _url("authorities.team", "change", default.pk)
    data = posted(admin_client.get(url))
    # when an administrator unticks "default" on the default team
    refused = admin_client.post(url, {k: v for k, v in data.items() if k != "is_default"})
    # then it is refused, in French: the authority would have none
    assert refused.status_code == 200
    assert "désignez-en une autre" in refused.context["adminform"].form.errors["is_default"][0]
    # when the "Voirie" team is made the default one instead
    voirie_url = _url("authorities.team", "change", world.sceaux_voirie.pk)
    voirie = posted(admin_client.get(voirie_url)) | {"is_default": "on"}
    assert admin_client.post(voirie_url, voirie).status_code == 302
    # then it takes over: still exactly one default team
    assert list(world.sceaux.teams.filter(is_default=True)) == [world.sceaux_voirie]
    # and a new default team added in the admin takes over in its turn
    add = _url("authorities.team", "add")
    new = {"authority": world.sceaux.pk, "name": "Accueil", "slug": "accueil", "is_default": "on"}
    assert admin_client.post(add, posted(admin_client.get(add)) | new).status_code == 302
    assert [t.slug for t in world.sceaux.teams.filter(is_default=True)] == ["accueil"]


def test_a_person_edited_in_the_admin_is_journaled_without_their_details(admin_client, world):
    # given Alice's record
    url = _url("people.person", "change", world.alice.pk)
    data = posted(admin_client.get(url))
    # when an administrator corrects her address
    before = _last_event()
    response = admin_client.post(url, data | {"address": "12 rue Houdan"})
    # then the change is recorded by the administrator, naming the field but not its value
    assert response.status_code == 302, _errors(response)
    event = Event.objects.get(pk__gt=before)
    assert (event.kind, event.person_id, event.resource) == (
        "person.changed",
        world.alice.pk,
        "root",
    )
    assert event.payload["changed"] == ["address"] and "Houdan" not in json.dumps(event.payload)


def test_a_merged_person_cannot_be_edited_in_the_admin(admin_client, world):
    # given Bob merged into Alice
    people.merge_persons(actor=SYSTEM, survivor=world.alice, merged=world.bob)
    # then his record shows without a save button, and a post is refused
    url = _url("people.person", "change", world.bob.pk)
    assert 'name="_save"' not in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"address": "ailleurs"}).status_code == 403


def test_a_password_reset_in_the_admin_is_journaled_without_the_password(admin_client, world):
    # given an agent's account
    url = reverse("admin:auth_user_password_change", args=[world.agent_sceaux.pk])
    # when an administrator sets a new password
    before = _last_event()
    secret = "Un-autre-mot-de-passe-99"
    response = admin_client.post(
        url, {"password1": secret, "password2": secret, "usable_password": "true"}
    )
    # then it is stored, and journaled without it
    assert response.status_code == 302
    world.agent_sceaux.refresh_from_db()
    assert world.agent_sceaux.check_password(secret)
    event = Event.objects.get(pk__gt=before)
    assert event.kind == "account.password_changed"
    assert secret not in json.dumps(event.payload) and "pbkdf2" not in json.dumps(event.payload)


def test_a_refusal_past_the_form_rolls_the_save_back_and_says_why(admin_client, world, monkeypatch):
    # given an action that refuses only after writing (as when another change lands between
    # the form's checks and the save)
    from django.core.exceptions import ValidationError

    from guichet.authorities import actions as authorities

    change_team = authorities.change_team

    def refusing(**kwargs):
        change_team(**kwargs)
        raise ValidationError("Cette équipe vient d'être modifiée par quelqu'un d'autre.")

    monkeypatch.setattr(authorities, "change_team", refusing)
    url = _url("authorities.team", "change", world.sceaux_voirie.pk)
    data = posted(admin_client.get(url)) | {"name": "Voirie et espaces verts"}
    # when the administrator saves
    before = _last_event()
    response = admin_client.post(url, data, follow=True)
    # then nothing is kept, no event either, and the reason is shown in French
    assert "Rien n&#x27;a été enregistré : Cette équipe vient d&#x27;être modifiée" in (
        response.content.decode()
    )
    world.sceaux_voirie.refresh_from_db()
    assert world.sceaux_voirie.name == "Voirie"
    assert _new_events(before) == []
