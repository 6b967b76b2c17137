"""The worker's fast serialisation of e-mails reads back exactly like the standard library's."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.conf import settings

from guichet.notifications import mime
from guichet.notifications.delivery import _Email

HTML = "<html><body>" + "<p>Bonjour Éloïse, voilà l'été</p>\n" * 30 + "</body></html>"


def email(*, subject="Collecte des encombrants", body="Bonjour Éloïse,\n\nLe 3 mars.\n", ics=""):
    message = _Email(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=["Zoé Martin <zoe@exemple.fr>"],
        headers={"Message-ID": "<abc@guichet.localhost>", "List-Unsubscribe": "<https://x/y/>"},
    )  # fmt: skip
    message.boundary_seed = "abc"
    message.attach_alternative(HTML, "text/html")
    if ics:
        message.attach("rendez-vous.ics", ics, "text/calendar")
    return message.message()


def read(raw: bytes):
    parsed = message_from_bytes(raw, policy=policy.default)
    return [
        (
            part.get_content_type(),
            [(name, str(value).strip()) for name, value in part.items()],
            None if part.is_multipart() else part.get_payload(decode=True),
        )
        for part in parsed.walk()
    ]


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"subject": "Demande ABCD-EFGH-JK : votre réponse est attendue"},
        {"ics": "BEGIN:VCALENDAR\r\nSUMMARY:Rendez-vous à la mairie\r\nEND:VCALENDAR\r\n"},
        {"body": "Une ligne très longue " + "x" * 1200 + "\nfin\r\nCR LF\rCR seul\x0cFF\n"},
        {"subject": "Un objet long et accentué " + "é" * 80},
    ],
)
def test_the_fast_bytes_read_back_like_the_standard_generators(variant):
    # given a message as the worker builds it
    message = email(**variant)
    # when it is turned into bytes the fast way and the standard way
    fast = message.as_bytes(linesep="\r\n")
    standard = type(message).as_bytes(message, linesep="\r\n")
    # then a mail client reads the same headers, parts and bodies
    assert read(fast) == read(standard)
    assert all(len(line) <= mime.MAX_LINE for line in fast.split(b"\r\n"))
