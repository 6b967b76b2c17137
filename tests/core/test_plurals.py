"""French plurals: « 0 réponse », « 1 réponse », « 2 réponses », never « réponse(s) »."""

import io
import re
import tokenize
from pathlib import Path

import pytest
from django.core.mail import send_mail
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string

from guichet.catalogue.forms import FormValidationError, validate_submission
from guichet.core.plurals import is_plural, ngettext

SRC = Path(__file__).resolve().parents[2] / "src" / "guichet"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 réponse"), (1, "1 réponse"), (2, "2 réponses"), (1_000_000, "1000000 réponses")],
)
def test_ngettext_counts_zero_and_one_as_singular_in_french(count, expected):
    assert ngettext("%(n)d réponse", "%(n)d réponses", count) % {"n": count} == expected


def test_is_plural_takes_numbers_as_text_and_decimals():
    assert [is_plural(n) for n in (0, 1, "1", 1.5, 2, "2", -2)] == [
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0 personne est cachée"),
        (1, "1 personne est cachée"),
        (2, "2 personnes sont cachées"),
        ([], "0 personne est cachée"),
        (["a", "b", "c"], "3 personnes sont cachées"),
    ],
)
def test_every_template_pluralizes_in_french_without_a_load(value, expected):
    # given a template written with Django's usual `pluralize`, and no {% load %}
    template = Template(
        '{{ count }} personne{{ n|pluralize }} {{ n|pluralize:"est,sont" }} cachée{{ n|pluralize }}'
    )
    # when it is rendered, then 0 and 1 are singular and 2 or more plural
    count = value if isinstance(value, int) else len(value)
    assert template.render(Context({"n": value, "count": count})) == expected


def _summary(errors: int, general: int = 0) -> str:
    html = render_to_string(
        "portal/_error_summary.html",
        {
            "summary": [(f"champ-{i}", f"Champ {i}", "Obligatoire.") for i in range(errors)],
            "general_errors": ["Le service est fermé."] * general,
        },
    )
    return re.sub(r"\s+", " ", html).replace("&#x27;", "'")


def test_the_error_summary_says_how_many_errors_follow():
    # one error: singular; five, or one of each kind: plural
    assert "corrigez l'erreur suivante</h2>" in _summary(1)
    assert "corrigez l'erreur suivante</h2>" in _summary(0, general=1)
    assert "corrigez les erreurs suivantes</h2>" in _summary(5)
    assert "corrigez les erreurs suivantes</h2>" in _summary(1, general=1)


@pytest.mark.parametrize(
    ("bound", "expected"),
    [
        (
            1,
            [
                "Choisissez au plus 1 option.",
                "Ce texte doit faire au plus 1 caractère (il en fait 2).",
            ],
        ),
        (
            2,
            [
                "Choisissez au plus 2 options.",
                "Ce texte doit faire au plus 2 caractères (il en fait 3).",
            ],
        ),
    ],
)
def test_the_form_validator_counts_options_and_characters_in_french(bound, expected):
    choices = [{"value": v, "label": v.upper()} for v in "abc"]
    form = [
        {"name": "f", "label": "F", "type": "multiple_choice", "choices": choices,
         "max_selections": bound},
        {"name": "t", "label": "T", "type": "short_text", "max_length": bound},
    ]  # fmt: skip
    with pytest.raises(FormValidationError) as refused:
        validate_submission(form, {"f": ["a", "b", "c"], "t": "x" * (bound + 1)})
    assert [refused.value.errors["f"][0], refused.value.errors["t"][0]] == expected


@pytest.mark.parametrize("count", [0, 1, 2])
def test_guichet_mails_vider_says_how_many_it_erased(count, settings, tmp_path):
    # given the development mailbox holding `count` messages
    settings.EMAIL_BACKEND = "guichet.core.mailbox.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    for i in range(count):
        send_mail(f"Objet {i}", "Corps", "guichet@example.fr", ["jeanne@example.fr"])
    # when it is emptied, then the count agrees with its words
    out = io.StringIO()
    call_command("mails", "--vider", stdout=out, stderr=io.StringIO())
    expected = {0: "0 courriel effacé.", 1: "1 courriel effacé.", 2: "2 courriels effacés."}
    assert out.getvalue().strip() == expected[count]


# « demande(s) », « traitée(s) », « option(s) »: a word glued to a bracketed plural ending.
HAND_MADE_PLURAL = re.compile(r"[A-Za-zÀ-ÿ]\((?:e?s|x)\)")
DJANGO_NGETTEXT = re.compile(r"from django\.utils\.translation import [^\n]*\bngettext\b")


def _sources():
    for path in sorted(SRC.rglob("*")):
        if "migrations" in path.parts:
            continue
        # Python and our scripts; templates (HTML, e-mail text), not licences shipped in static/
        if path.suffix in {".py", ".js"} or (
            path.suffix in {".html", ".txt"} and "templates" in path.parts
        ):
            yield path


JS_STRING = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'|`[^`]*`")


def _texts(path: Path):
    """The (line, text) pairs where a French string can be: Python and JavaScript string
    literals, a template's whole lines (`service_out(s)` in code is no plural)."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        strings = {tokenize.STRING} | {getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
        statement_start = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, None}
        previous = None
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            # a string standing alone as a statement is a docstring: English, for developers
            if token.type in strings and previous not in statement_start:
                yield token.start[0], token.string
            if token.type not in {tokenize.COMMENT, tokenize.NL}:
                previous = token.type
    elif path.suffix == ".js":
        for number, line in enumerate(source.splitlines(), 1):
            yield from ((number, literal) for literal in JS_STRING.findall(line))
    else:
        yield from enumerate(source.splitlines(), 1)


def test_no_hand_made_plural_in_the_sources():
    # « 1 notification(s) traitée(s) » reads badly: ngettext in Python, pluralize in templates
    found = [
        f"{path.relative_to(SRC)}:{number}: {text.strip()}"
        for path in _sources()
        for number, text in _texts(path)
        if HAND_MADE_PLURAL.search(text)
    ]
    assert found == []


def test_python_sources_take_ngettext_from_guichet_core_plurals():
    # Django's ngettext falls back to the English rule (« 0 réponses ») for our untranslated
    # French strings; guichet.core.plurals.ngettext asks the French rule.
    found = [
        str(path.relative_to(SRC))
        for path in _sources()
        if path.suffix == ".py" and DJANGO_NGETTEXT.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_broadcast_audience_says_0_personne_and_2_personnes():
    # given a broadcast whose audience is 0 by e-mail, 1 by SMS and 2 by post
    counts = [
        {"channel": "courriel", "count": 0, "chosen": True},
        {"channel": "SMS", "count": 1, "chosen": True},
        {"channel": "courrier", "count": 2, "chosen": True},
    ]
    html = render_to_string(
        "notifications/_audience.html", {"panel": {"counts": counts, "any_channel": True}}
    )
    text = re.sub(r"<[^>]+>", "", re.sub(r"\s+", " ", html))
    # then each count agrees with its noun, 0 included
    assert "Par courriel : 0 personne " in text
    assert "Par SMS : 1 personne " in text
    assert "Par courrier : 2 personnes " in text
