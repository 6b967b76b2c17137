"""The pure rules of the inbound e-mail intake: references found, mail refused, and why."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from guichet.cases.references import ALPHABET, normalise_reference
from guichet.channels.inbound_mail import reply_address
from guichet.channels.inbound_mail.parsing import parse, without_quoted_history
from guichet.channels.inbound_mail.rules import (
    authority_slugs,
    references_in,
    refusal,
    reply_references,
)

references = st.text(alphabet=ALPHABET, min_size=10, max_size=10).map(
    lambda raw: f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
)
# How people and mail clients mangle a reference: case, separators, confusable letters.
typed = st.tuples(
    references,
    st.sampled_from(["-", " ", ""]),
    st.booleans(),
    st.sampled_from(["Re: ", "RE : Votre demande ", "TR: Fwd: dossier n° ", ""]),
    st.sampled_from(["", " — merci", ". Cordialement", " (suite)"]),
)


@given(typed)
def test_a_reference_is_found_in_a_subject_however_it_was_typed(case):
    reference, separator, lower, prefix, suffix = case
    compact = reference.replace("-", "")
    text = separator.join([compact[:4], compact[4:8], compact[8:]])
    text = text.lower() if lower else text
    # a zero typed as the letter O is forgiven too
    text = text.replace("0", "O")
    assert references_in(prefix + text + suffix)[0] == reference


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz :-éè,.!?'", max_size=80))
def test_what_a_subject_yields_is_always_a_canonical_reference(subject):
    for reference in references_in(subject):
        assert normalise_reference(reference) == reference


def test_the_reply_address_carries_the_reference_back(settings):
    settings.GUICHET_INBOUND_MAIL_DOMAIN = "guichet.exemple.fr"

    class Request:
        reference = "K7X4-M2QP-Z9"

    address = reply_address(Request())
    assert address == "demande+K7X4-M2QP-Z9@guichet.exemple.fr"
    assert reply_references([address.upper()]) == ["K7X4-M2QP-Z9"]
    settings.GUICHET_INBOUND_MAIL_DOMAIN = ""
    assert reply_address(Request()) is None


def test_the_authority_is_read_from_the_local_part_never_from_the_reply_address():
    assert authority_slugs(
        ["demande+K7X4M2QPZ9@g.fr", "Sceaux@g.fr", "sceaux+urbanisme@g.fr", "tours@g.fr"]
    ) == ["sceaux", "tours"]


def headers(**extra: str) -> bytes:
    lines = ["From: Alice <alice@exemple.fr>", "To: sceaux@g.fr", "Subject: Bonjour"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\nBonjour\r\n").encode()


def test_a_plain_message_from_a_person_may_be_filed():
    assert refusal(parse(headers()), envelope_from="alice@exemple.fr") == ""
    absence = headers().replace(b"Subject: Bonjour", b"Subject: Absence de mon fils")
    assert refusal(parse(absence), envelope_from="alice@exemple.fr") == ""
    assert refusal(parse(headers(Auto_Submitted="no")), envelope_from=None) == ""


def test_every_refusal_says_why_in_french():
    cases = {
        "anti-spam (X-Spam-Flag)": (headers(X_Spam_Flag="YES"), "a@b.fr"),
        "anti-spam (X-Spam-Status)": (headers(X_Spam_Status="Yes, score=9.1"), "a@b.fr"),
        "DMARC": (headers(Authentication_Results="mx; dmarc=fail header.from=x"), "a@b.fr"),
        "non-remise": (headers(), ""),
        "Auto-Submitted: auto-replied": (headers(Auto_Submitted="auto-replied"), "a@b.fr"),
        "répondeur": (headers(X_Autoreply="yes"), "a@b.fr"),
        "Precedence": (headers(Precedence="bulk"), "a@b.fr"),
        "objet du message": (
            headers().replace(
                b"Subject: Bonjour", "Subject: Réponse automatique : absent".encode()
            ),
            "a@b.fr",
        ),
        "List-Id": (headers(List_Id="<annonces.exemple.fr>"), "a@b.fr"),
        "From": (b"To: sceaux@g.fr\r\nSubject: x\r\n\r\ncorps\r\n", "a@b.fr"),
        "robot": (headers().replace(b"alice@", b"mailer-daemon@"), "a@b.fr"),
        "mal formé": (b"\x00\xff garbage without headers", "a@b.fr"),
    }
    for expected, (raw, envelope_from) in cases.items():
        assert expected in refusal(parse(raw), envelope_from=envelope_from), expected


def test_a_reply_keeps_its_new_text_and_drops_the_quoted_history():
    text = (
        "Voici la photo demandée.\n\nLe lun. 3 mars 2025 à 10:02, Mairie <m@g.fr> a écrit :\n"
        "> Pouvez-vous nous envoyer une photo ?\n"
    )
    assert without_quoted_history(text) == "Voici la photo demandée."
    assert without_quoted_history("> seulement une citation") == "> seulement une citation"


def test_an_html_only_message_is_read_as_text():
    raw = (
        b"From: alice@exemple.fr\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p{}</style></head><body><p>Bonjour</p><p>la rue</p></body></html>"
    )
    assert parse(raw).body == "Bonjour\nla rue"


MARKERS = {
    "X-Spam-Flag": "YES",
    "X-Spam-Status": "Yes, score=12.0",
    "Authentication-Results": "mx.exemple.fr; dmarc=fail header.from=exemple.fr",
    "Auto-Submitted": "auto-replied",
    "X-Autoreply": "yes",
    "Precedence": "junk",
    "List-Id": "<infos.exemple.fr>",
}
HARMLESS = {
    "Auto-Submitted": "no",
    "Precedence": "normal",
    "X-Spam-Status": "No, score=0.3",
    "Authentication-Results": "mx.exemple.fr; dmarc=pass",
    "X-Mailer": "Thunderbird",
}


@given(
    st.dictionaries(st.sampled_from(sorted(MARKERS)), st.just(True), max_size=4),
    st.dictionaries(st.sampled_from(sorted(HARMLESS)), st.just(True), max_size=3),
    st.sampled_from(["alice@exemple.fr", "", None]),
)
def test_a_mail_is_refused_exactly_when_it_carries_a_marker(markers, harmless, envelope_from):
    chosen = {name: HARMLESS[name] for name in harmless} | {name: MARKERS[name] for name in markers}
    raw = headers(**{name.replace("-", "_"): value for name, value in chosen.items()})
    reason = refusal(parse(raw), envelope_from=envelope_from)
    assert bool(reason) == (bool(markers) or envelope_from == "")
