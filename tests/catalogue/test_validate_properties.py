"""Property tests: random forms × random submissions.

Whatever arrives, `validate_submission` answers with a FormValidationError or with
JSON-safe cleaned data holding only visible fields; a well-formed submission always passes.
"""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from guichet.catalogue.forms import (
    FIELD_TYPES,
    FormValidationError,
    parse_form_definition,
    validate_submission,
)

from .conftest import PDF_BYTES, PNG_BYTES

MISSING = object()
PATTERNS = {"[0-9]{5}": r"[0-9]{5}", "[A-Z]{2}-[0-9]{3}-[A-Z]{2}": None, "[a-z]{1,20}": None}
PHONES = ["06 12 34 56 78", "+33 1 42 76 40 40", "0142764040", "07 81 23 45 67", "+32 2 555 12 12"]
WORDS = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def fields_with_valid_values(draw):
    """A random form definition and, for each field, a value it must accept."""
    count = draw(st.integers(min_value=0, max_value=7))
    fields, values = [], {}
    for index in range(count):
        name = f"champ_{index}"
        type_ = draw(st.sampled_from(FIELD_TYPES))
        field, value = draw(_FIELD_BUILDERS[type_](name))
        field |= {"name": name, "label": f"Champ {index}", "type": type_}
        field["required"] = draw(st.booleans())
        if field["required"] and value is MISSING:
            field["required"] = False
        condition = draw(_condition(fields))
        if condition:
            field["show_if"] = condition
        fields.append(field)
        if value is not MISSING:
            values[name] = value
    return fields, values


@st.composite
def _condition(draw, earlier):
    usable = [f for f in earlier if f["type"] in ("choice", "multiple_choice", "checkbox",
                                                  "number", "short_text")]  # fmt: skip
    if not usable or not draw(st.booleans()):
        return None
    target = draw(st.sampled_from(usable))
    if target["type"] in ("choice", "multiple_choice"):
        values = [c["value"] for c in target["choices"]]
        picked = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
    elif target["type"] == "checkbox":
        picked = [draw(st.booleans())]
    elif target["type"] == "number":
        picked = draw(st.lists(st.integers(-5, 5), min_size=1, max_size=3, unique=True))
    else:
        picked = ["x"]
    if len(picked) == 1 and draw(st.booleans()):
        return {"field": target["name"], "equals": picked[0]}
    return {"field": target["name"], "in": picked}


def _maybe_missing(strategy):
    return st.one_of(strategy, st.just(MISSING))


@st.composite
def _text(draw, name, long=False):
    pattern = None if long else draw(st.sampled_from([None, *PATTERNS]))
    if pattern:
        return {"pattern": pattern, "pattern_message": "Format attendu."}, draw(
            st.from_regex(pattern, fullmatch=True)
        )
    low = draw(st.integers(0, 5))
    high = draw(st.integers(max(low, 1), 40))
    text = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=max(low, 1),
                   max_size=high)  # fmt: skip
    return {"min_length": low, "max_length": high}, draw(_maybe_missing(text))


@st.composite
def _number(draw, name):
    low = draw(st.integers(-1000, 1000))
    high = draw(st.integers(low, low + 5000))
    integer_only = draw(st.booleans())
    number = st.integers(low, high)
    value = draw(number)
    spelled = draw(st.sampled_from([value, str(value), f"{value},0", Decimal(value)]))
    if not integer_only and draw(st.booleans()) and value < high:
        # value + ½, French-spelled ("-1,5" would be value − ½ when value is negative)
        half_up = Decimal(value) + Decimal("0.5")
        spelled = draw(st.sampled_from([str(half_up).replace(".", ","), value + 0.5]))
    return {"min_value": low, "max_value": high, "integer_only": integer_only}, draw(
        _maybe_missing(st.just(spelled))
    )


@st.composite
def _date(draw, name):
    today = timezone.localdate()
    rule = draw(st.sampled_from(["none", "not_in_past", "not_in_future", "bounds"]))
    if rule == "not_in_past":
        value = today + dt.timedelta(days=draw(st.integers(0, 3000)))
        return {"not_in_past": True}, value.isoformat()
    if rule == "not_in_future":
        value = today - dt.timedelta(days=draw(st.integers(0, 30000)))
        return {"not_in_future": True}, draw(st.sampled_from([value, value.isoformat()]))
    low = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
    high = low + dt.timedelta(days=draw(st.integers(0, 5000)))
    value = draw(st.dates(low, high))
    rules = {"min_date": low.isoformat(), "max_date": high.isoformat()} if rule == "bounds" else {}
    return rules, draw(_maybe_missing(st.just(value.isoformat())))


@st.composite
def _choices(draw, name, multiple=False):
    values = draw(st.lists(st.from_regex(r"[a-z0-9_]{1,8}", fullmatch=True), min_size=1,
                           max_size=6, unique=True))  # fmt: skip
    field = {"choices": [{"value": v, "label": v.upper()} for v in values]}
    if not multiple:
        return field, draw(_maybe_missing(st.sampled_from(values)))
    low = draw(st.integers(0, len(values)))
    high = draw(st.integers(max(low, 1), len(values)))
    field |= {"min_selections": low, "max_selections": high}
    picked = draw(st.lists(st.sampled_from(values), min_size=max(low, 1), max_size=high,
                           unique=True))  # fmt: skip
    return field, picked


@st.composite
def _file(draw, name):
    allowed = draw(st.sampled_from([["pdf"], ["png"], ["pdf", "png", "jpeg"], ["png", "webp"]]))
    most = draw(st.integers(1, 3))
    content = PDF_BYTES if "pdf" in allowed else PNG_BYTES
    count = draw(st.integers(1, most))
    value = [SimpleUploadedFile(f"f{i}.bin", content) for i in range(count)]
    return {"allowed_types": allowed, "max_files": most, "max_size_mb": 0.01}, value


def _siret():
    """A valid SIRET (a SIREN with its Luhn check digit, then 4 digits and the SIRET's check
    digit), maybe spaced as printed."""
    siren = st.from_regex(r"[0-9]{8}", fullmatch=True).map(lambda d: d + luhn.calc_check_digit(d))
    siret = st.tuples(siren, st.from_regex(r"[0-9]{4}", fullmatch=True)).map(
        lambda parts: "".join(parts) + luhn.calc_check_digit("".join(parts))
    )
    return siret.flatmap(lambda n: st.sampled_from([n, f"{n[:3]} {n[3:6]} {n[6:9]} {n[9:]}"]))


_FIELD_BUILDERS = {
    "short_text": _text,
    "long_text": lambda name: _text(name, long=True),
    "number": _number,
    "date": _date,
    "choice": _choices,
    "multiple_choice": lambda name: _choices(name, multiple=True),
    "email": lambda name: st.tuples(
        st.just({}),
        st.builds(
            "{}.{}@{}.fr".format,
            WORDS.filter(str.isascii).map(str.lower).filter(str.isalnum),
            st.from_regex(r"[a-z]{1,8}", fullmatch=True),
            st.sampled_from(["exemple", "mairie-paris", "a1"]),
        ),
    ),  # fmt: skip
    "phone": lambda name: st.tuples(st.just({}), st.sampled_from(PHONES)),
    "address": lambda name: st.tuples(
        st.just({}), st.from_regex(r"[0-9]{1,3} rue [A-Za-z]{3,20}", fullmatch=True)
    ),  # fmt: skip
    "location": lambda name: st.tuples(
        st.just({}),
        st.fixed_dictionaries({"lat": st.floats(42.5, 50.5), "lon": st.floats(-4.0, 7.5)}),
    ),
    "file": _file,
    "checkbox": lambda name: st.tuples(st.just({}), st.sampled_from(["on", True, "oui", 1])),
    "siret": lambda name: st.tuples(st.just({}), _siret()),
    "rna": lambda name: st.tuples(
        st.just({}), st.from_regex(r"[Ww] ?[0-9]{3}[ .]?[0-9]{3}[ .]?[0-9]{3}", fullmatch=True)
    ),
}

ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates()
    | st.decimals() | st.binary(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children,
                                                                       max_size=4),
    max_leaves=8,
)  # fmt: skip
UPLOADS = st.one_of(
    st.builds(lambda data, name: SimpleUploadedFile(name, data),
              st.binary(max_size=600), st.text(max_size=20).map(lambda s: "f" + s.replace("/", "_"))),
    st.sampled_from([PDF_BYTES, PNG_BYTES]).map(lambda data: SimpleUploadedFile("v.pdf", data)),
    ANYTHING,
)  # fmt: skip


def _matches(expected, actual) -> bool:
    if isinstance(actual, list):
        return any(_matches(expected, item) for item in actual)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    try:
        return Decimal(str(expected)) == Decimal(str(actual))
    except InvalidOperation:
        return str(expected) == str(actual)


def _visible(field, cleaned) -> bool:
    condition = field.get("show_if")
    if condition is None:
        return True
    expected = condition.get("in", [condition.get("equals")])
    target = condition["field"]
    return target in cleaned and any(_matches(value, cleaned[target]) for value in expected)


@SETTINGS
@given(
    form=fields_with_valid_values(),
    data=st.dictionaries(st.sampled_from([f"champ_{i}" for i in range(8)]) | st.text(), ANYTHING),
    files=st.dictionaries(st.sampled_from([f"champ_{i}" for i in range(8)]),
                          UPLOADS | st.lists(UPLOADS, max_size=3)),
)  # fmt: skip
def test_any_submission_gets_form_errors_or_clean_data_of_visible_fields(form, data, files):
    # given random values over a well-formed submission, so that conditions come into play
    definition, valid = form
    data = {name: value for name, value in valid.items() if not isinstance(value, list)} | data
    # when it is validated
    try:
        cleaned = validate_submission(definition, data, files)
    except FormValidationError as error:
        # then either it is refused field by field, in words
        assert error.errors and all(error.errors.values())
        return
    # or only visible fields of the form come back, ready to be stored as JSON
    fields = {field["name"]: field for field in definition}
    assert set(cleaned) <= set(fields)
    assert all(_visible(fields[name], cleaned) for name in cleaned)
    json.dumps(cleaned)  # what is stored must be JSON


@SETTINGS
@given(form=fields_with_valid_values())
def test_a_well_formed_submission_always_passes(form):
    # given a form and values each of its fields accepts
    definition, values = form
    files = {name: values.pop(name) for name in list(values) if isinstance(values[name], list)
             and values[name] and isinstance(values[name][0], SimpleUploadedFile)}  # fmt: skip
    # when they are submitted, then they pass and every visible value is kept
    cleaned = validate_submission(definition, values, files)
    shown = [field for field in definition if _visible(field, cleaned)]
    assert {f["name"] for f in shown if f["name"] in values or f["name"] in files} <= set(cleaned)
    json.dumps(cleaned)


@SETTINGS
@given(form=fields_with_valid_values())
def test_a_generated_definition_survives_a_round_trip(form):
    definition, _ = form
    parsed = parse_form_definition(definition)
    assert parse_form_definition(parsed.to_json()) == parsed
