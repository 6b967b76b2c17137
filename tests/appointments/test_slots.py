"""Free slots: opening hours, closures, public holidays, notice, horizon, clock changes."""

from datetime import UTC, date, time, timedelta

from guichet.appointments import slots
from guichet.appointments.models import AppointmentType, Closure, OpeningHours
from guichet.core import clock

from .factories import make_place, paris

MONDAY = date(2026, 11, 23)
BEFORE_OPENING = paris(2026, 11, 23, 7, 0)


def starts(slot_list):
    return [(s.start.date(), s.start.time()) for s in slot_list]


def test_a_day_offers_consecutive_slots_inside_each_opening_range(world):
    # given the town hall open 9:00–12:00 and 13:30–17:00, and a 20-minute appointment type
    with clock.frozen_at(paris(2026, 11, 20, 12, 0)):
        # when the slots of Monday are computed
        found = slots.free_slots(world.cni, MONDAY, MONDAY)
    # then they follow each other from the opening, none spills past a closing time
    times = [s.start.time() for s in found]
    assert times[:3] == [time(9), time(9, 20), time(9, 40)]
    assert time(11, 40) in times and time(12) not in times
    assert time(13, 30) in times and time(16, 30) in times and time(16, 50) not in times
    assert len(found) == 9 + 10
    assert all(s.end - s.start == timedelta(minutes=20) for s in found)
    # and both desks are free for each
    assert all(len(s.desk_ids) == 2 for s in found)


def test_sunday_and_public_holidays_offer_nothing(world):
    with clock.frozen_at(paris(2026, 11, 1, 12, 0)):
        # 11 November 2026 is a Wednesday and a public holiday; the 15th is a Sunday
        assert slots.free_slots(world.cni, date(2026, 11, 11), date(2026, 11, 11)) == []
        assert slots.free_slots(world.cni, date(2026, 11, 15), date(2026, 11, 15)) == []
        assert slots.free_slots(world.cni, date(2026, 11, 12), date(2026, 11, 12))
        reason = slots.unbookable_reason(world.cni, paris(2026, 11, 11, 9, 0))
    assert reason == "Mairie de Tours — état civil est fermé ce jour-là (jour férié)."


def test_local_holidays_follow_the_places_departement(world):
    # given a place in Moselle: Good Friday (26 March 2027) is a holiday there, not in Tours
    from guichet.territory.models import Commune, Departement

    moselle = Departement.objects.create(
        code="57", name="Moselle", region=world.tours_commune.departement.region
    )
    metz = Commune.objects.create(code="57463", name="Metz", departement=moselle)
    place = make_place(world.tours, "Antenne de Metz", commune=metz, horizon_days=365)
    metz_type = AppointmentType.objects.create(place=place, name="X", slug="x", duration_minutes=30)
    good_friday = date(2027, 3, 26)
    with clock.frozen_at(paris(2027, 3, 1, 12, 0)):
        assert slots.free_slots(metz_type, good_friday, good_friday) == []
        assert slots.free_slots(world.cni, good_friday, good_friday)


def test_a_closure_of_the_place_removes_its_slots_and_one_of_a_desk_only_that_desk(world):
    Closure.objects.create(
        place=world.mairie, start=paris(2026, 11, 23, 9, 0), end=paris(2026, 11, 23, 10, 0),
        reason="formation",
    )  # fmt: skip
    desk = world.mairie.desks.order_by("pk").last()
    Closure.objects.create(
        place=world.mairie, desk=desk, start=paris(2026, 11, 23, 14, 0),
        end=paris(2026, 11, 23, 15, 0),
    )  # fmt: skip
    with clock.frozen_at(BEFORE_OPENING):
        found = {s.start.time(): s for s in slots.free_slots(world.cni, MONDAY, MONDAY)}
        reason = slots.unbookable_reason(world.cni, paris(2026, 11, 23, 9, 20))
    assert time(9) not in found and time(9, 40) not in found and time(10) in found
    assert len(found[time(13, 30)].desk_ids) == 2
    assert desk.pk not in found[time(14, 10)].desk_ids and len(found[time(14, 10)].desk_ids) == 1
    assert reason == (
        "Mairie de Tours — état civil est fermé à ce moment-là (formation) : "
        "choisissez un autre créneau."
    )


def test_no_slot_in_the_past_or_inside_the_notice(world):
    # given the town hall asks for two hours' notice, and it is Monday 10:05
    with clock.frozen_at(paris(2026, 11, 23, 10, 5)):
        found = slots.free_slots(world.cni, MONDAY, MONDAY)
        past = slots.unbookable_reason(world.cni, paris(2026, 11, 23, 9, 40))
        close = slots.unbookable_reason(world.cni, paris(2026, 11, 23, 11, 0))
    # then the first slot offered is the first one from 12:05
    assert found[0].start == paris(2026, 11, 23, 13, 30)
    assert past == "Ce créneau est déjà passé : choisissez-en un autre."
    assert close == "Ce créneau est trop proche : réservez au moins 2 h à l'avance."


def test_the_horizon_limits_how_far_ahead_one_can_book(world):
    with clock.frozen_at(BEFORE_OPENING):
        assert slots.free_slots(world.cni, date(2027, 6, 1), date(2027, 6, 30)) == []
        reason = slots.unbookable_reason(world.cni, paris(2027, 6, 1, 9, 0))
    assert reason == "Les rendez-vous ne se prennent que 60 jours à l'avance."


def test_outside_the_hours_or_off_the_grid_is_refused(world):
    with clock.frozen_at(BEFORE_OPENING):
        lunch = slots.unbookable_reason(world.cni, paris(2026, 11, 24, 11, 50))
        odd = slots.unbookable_reason(world.cni, paris(2026, 11, 24, 9, 3))
    assert lunch == (
        "Mairie de Tours — état civil n'est pas ouvert de 11 h 50 à 12 h 10 ce jour-là : "
        "choisissez un créneau proposé."
    )
    assert odd == "Ce créneau n'existe pas : choisissez un créneau proposé."


def test_slots_keep_their_length_on_the_nights_the_clocks_change(world):
    # given a night counter open 1:30–3:30 local time every Sunday
    place = make_place(
        world.tours, "Permanence de nuit", hours=[(6, time(1, 30), time(3, 30))],
        horizon_days=400, notice_minutes=0,
    )  # fmt: skip
    night = AppointmentType.objects.create(place=place, name="N", slug="n", duration_minutes=20)
    with clock.frozen_at(paris(2026, 10, 1, 12, 0)):
        # when clocks go back (25 October 2026): the range lasts three real hours
        autumn = slots.free_slots(night, date(2026, 10, 25), date(2026, 10, 25))
        # when clocks go forward (28 March 2027): 2:00–3:00 does not exist, one real hour left
        spring = slots.free_slots(night, date(2027, 3, 28), date(2027, 3, 28))
    assert len(autumn) == 9
    assert len(spring) == 3
    assert [s.start.strftime("%H:%M") for s in spring] == ["01:30", "01:50", "03:10"]
    for slot in autumn + spring:
        # (in UTC: two datetimes sharing a zone subtract by wall clock)
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == timedelta(minutes=20)
    # and an ordinary Tuesday after the change (Monday is Easter Monday) opens at 9:00 Paris, 8:00 UTC
    assert OpeningHours.objects.filter(place=world.mairie, weekday=1).exists()
    with clock.frozen_at(paris(2027, 3, 20, 12, 0)):
        tuesday = slots.free_slots(world.cni, date(2027, 3, 30), date(2027, 3, 30))
    assert tuesday[0].start.utcoffset() == timedelta(hours=2)
    assert tuesday[0].start.hour == 9


def test_a_closure_of_a_desk_of_another_place_is_refused_by_the_admin_form(world):
    from django.core.exceptions import ValidationError

    closure = Closure(
        place=world.mairie, desk=world.sceaux_place.desks.get(),
        start=paris(2026, 11, 23, 9, 0), end=paris(2026, 11, 23, 10, 0),
    )  # fmt: skip
    try:
        closure.full_clean()
    except ValidationError as invalid:
        assert invalid.message_dict["desk"] == ["Ce guichet n'appartient pas à ce lieu d'accueil."]
    else:
        raise AssertionError("a foreign desk was accepted")
