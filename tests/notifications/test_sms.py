"""SMS: segment rules, the generic HTTP gateway and the provider plugin, retries and failures."""

from __future__ import annotations

import pytest
from cases.factories import SYSTEM, file_request
from django.core.management import call_command

from guichet.core.models import Event
from guichet.notifications.models import Notification
from guichet.notifications.sms import fit, segments
from guichet.people import actions as people


@pytest.mark.parametrize(
    ("text", "encoding", "units", "count"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("é" * 160, "GSM-7", 160, 1),  # é is in the GSM basic set
        ("€" * 80, "GSM-7", 160, 1),  # € costs two septets (escape + char)
        ("€" * 81, "GSM-7", 162, 2),
        ("ê" * 70, "UCS-2", 70, 1),  # ê is not: the whole SMS goes UCS-2
        ("ê" * 71, "UCS-2", 71, 2),
        ("ê" * 134, "UCS-2", 134, 2),
        ("ê" * 135, "UCS-2", 135, 3),
        ("🙂" * 35, "UCS-2", 70, 1),  # outside the BMP: two UTF-16 units
    ],
)
def test_segments_follow_the_gsm7_and_ucs2_rules(text, encoding, units, count):
    # given a text / when it is measured
    measured = segments(text)
    # then encoding, length and segment count follow GSM 03.38
    assert (measured.encoding, measured.units, measured.count) == (encoding, units, count)


def test_a_long_sms_is_cut_but_keeps_its_opt_out_link():
    # given a text far too long for 4 segments and the opt-out suffix
    suffix = " STOP : https://exemple.fr/d/abc/"
    # when it is fitted
    fitted = fit("Un très long message. " * 100, suffix)
    # then it fits and ends with the link
    assert segments(fitted).count <= 4
    assert fitted.endswith("..." + suffix)


def sms_for_everything(world):
    people.set_preferences(actor=SYSTEM, person=world.alice, preferences={("receipt", "sms"): True})


def test_a_gateway_error_is_retried_then_the_sms_is_sent_once(world, smtp_server, sms_gateway):
    # given a gateway that fails once with a 500 then accepts
    sms_for_everything(world)
    sms_gateway.script = [500]
    request = file_request(world)
    # when the worker delivers
    call_command("worker", once=True, verbosity=0)
    # then the SMS was tried twice with the same idempotency key, and is sent
    sms = Notification.objects.get(request=request, channel="sms")
    assert sms.status == "sent" and sms.attempts == 2
    assert sms.provider_message_id == "sms-2"
    keys = {r["headers"]["Idempotency-Key"] for r in sms_gateway.requests}
    assert len(sms_gateway.requests) == 2 and keys == {sms.idempotency_key}


def test_a_gateway_that_always_fails_marks_the_sms_failed_with_the_reason(
    world, smtp_server, sms_gateway, settings
):
    # given a gateway that always answers 500, and three attempts allowed
    settings.GUICHET_NOTIFICATIONS_MAX_ATTEMPTS = 3
    sms_for_everything(world)
    sms_gateway.always = 500
    request = file_request(world)
    # when the worker delivers
    call_command("worker", once=True, verbosity=0)
    # then the SMS is failed after three attempts, with the gateway's answer as the reason
    sms = Notification.objects.get(request=request, channel="sms")
    assert sms.status == "failed" and sms.attempts == 3
    assert "HTTP 500" in sms.last_error and "surcharge" in sms.last_error
    assert len(sms_gateway.requests) == 3
    # and the failure is on the request's timeline (for agents)
    failed = Event.objects.get(case_id=request.pk, kind="notification.failed")
    assert "HTTP 500" in failed.payload["error"] and failed.visible_to_person is False


def test_retries_wait_longer_each_time(world, sms_gateway, settings, smtp_server):
    # given a gateway down and a 60 s base delay
    settings.GUICHET_NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    sms_for_everything(world)
    sms_gateway.always = 503
    request = file_request(world)
    # when the worker runs once
    call_command("worker", once=True, verbosity=0)
    # then the SMS waits 60 s before its second attempt
    sms = Notification.objects.get(request=request, channel="sms")
    assert sms.status == "queued" and sms.attempts == 1
    delay = (sms.next_attempt_at - sms.created_at).total_seconds()
    assert 59 <= delay <= 65


def test_the_provider_plugin_posts_a_job_to_its_api(world, smtp_server, sms_gateway, settings):
    # given the OVH-like plugin pointed at the local gateway
    settings.GUICHET_SMS_TRANSPORT = "ovh_like"
    settings.GUICHET_SMS_OPTIONS = {"url": sms_gateway.url, "account": "sms-ab1", "api_key": "k"}
    sms_for_everything(world)
    request = file_request(world)
    # when the worker delivers
    call_command("worker", once=True, verbosity=0)
    # then the job went to the account's endpoint with the receiver, text and key as tag
    (job,) = sms_gateway.requests
    sms = Notification.objects.get(request=request, channel="sms")
    assert job["path"] == "/sms/sms-ab1/jobs"
    assert job["body"]["receivers"] == ["+33612345678"]
    assert request.reference in job["body"]["message"]
    assert job["body"]["tag"] == sms.idempotency_key
    assert job["headers"]["X-Api-Key"] == "k"
    assert sms.status == "sent"
