"""The platform's colours: WCAG contrast, the refusal of an accent that does not read, the
darkening of one from the settings, and the stylesheet served for a colour."""

import pytest
from django.core.exceptions import ValidationError

from guichet.core import theme


def test_contrast_follows_wcag():
    # given black, white and the DSFR's bleu France
    # when measuring their contrast
    # then the WCAG values: 21:1 at most, 1:1 for a colour against itself
    assert theme.contrast(theme.BLACK, theme.WHITE) == pytest.approx(21)
    assert theme.contrast(theme.WHITE, theme.WHITE) == pytest.approx(1)
    assert theme.contrast(theme.parse("#000091"), theme.WHITE) == pytest.approx(14.9, abs=0.1)


@pytest.mark.parametrize("colour", ["#2d4a66", "#7a2e3b", "#18753c", "#000000"])
def test_a_dark_enough_accent_is_accepted(colour):
    # given a colour that reads on white and on its light tints
    # when an administrator gives it
    # then it is accepted as it is
    theme.validate_accent(colour)
    assert theme.hex_of(theme.accessible(theme.parse(colour))) == colour


@pytest.mark.parametrize("colour", ["#ffff00", "#1f8d49", "#6a6af4"])
def test_a_pale_accent_is_refused_in_french_with_a_darker_suggestion(colour):
    # given a colour under 4.5:1 against the page's light background
    # when an administrator gives it
    with pytest.raises(ValidationError) as refused:
        theme.validate_accent(colour)
    # then the refusal says why, in French, and proposes a darker colour that passes
    (message,) = refused.value.messages
    suggestion = theme.hex_of(theme.accessible(theme.parse(colour)))
    assert "contraste" in message and "4,5:1" in message and suggestion in message
    theme.validate_accent(suggestion)
    assert theme.weakest_contrast(theme.parse(suggestion)) >= theme.MINIMUM_CONTRAST


@pytest.mark.parametrize("colour", ["bleu", "#12345", "#1234567", "rgb(0,0,0)", ""])
def test_an_accent_that_is_not_a_colour_is_refused(colour):
    with pytest.raises(ValidationError, match="#rrvvbb"):
        theme.validate_accent(colour)


def test_a_pale_accent_from_the_settings_is_darkened_until_it_reads(settings):
    # given an operator who set a yellow accent
    settings.GUICHET_ACCENT_COLOUR = "#ffff00"
    # when the platform's brand is read
    brand = theme.platform()
    # then a darker yellow that reaches 4.5:1 is used instead
    assert brand.accent != "#ffff00"
    assert theme.weakest_contrast(theme.parse(brand.accent)) >= theme.MINIMUM_CONTRAST


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("", ""),
        ("guichet/favicon.svg", "/static/guichet/favicon.svg"),
        ("/media/logo.png", "/media/logo.png"),
        ("https://www.exemple.fr/logo.svg", "https://www.exemple.fr/logo.svg"),
    ],
)
def test_a_logo_setting_becomes_an_address(value, address):
    theme.validate_logo(value)
    assert theme.logo_address(value) == address


@pytest.mark.parametrize("value", ["javascript:alert(1)", "//ailleurs.fr/x.svg", "../x.svg", "a b"])
def test_a_logo_that_is_no_address_is_refused(value):
    with pytest.raises(ValidationError, match="adresse du logo"):
        theme.validate_logo(value)


def test_the_accent_stylesheet_replaces_the_states_blue(client):
    # given an accent that reads
    # when its stylesheet is asked for
    response = client.get("/theme/7a2e3b.css")
    # then it sets the DSFR's bleu France steps to it, cacheable for good
    css = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "--blue-france-sun-113-625: #7a2e3b;" in css
    assert "#000091" not in css
    assert "immutable" in response["Cache-Control"] and "public" in response["Cache-Control"]


@pytest.mark.parametrize("colour", ["ffff00", "zzzzzz", "12345"])
def test_no_stylesheet_for_a_colour_that_does_not_read(client, colour):
    assert client.get(f"/theme/{colour}.css").status_code == 404


def test_guichet_check_names_the_theme_settings_it_cannot_use_as_given(settings):
    # given a pale accent, a colour that is none, an unknown accessibility level, a bad logo
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.GUICHET_ACCENT_COLOUR = "#ffff00"
    settings.GUICHET_ACCESSIBILITY_LEVEL = "bof"
    settings.GUICHET_OPERATOR_LOGO = "javascript:alert(1)"
    # when the operator runs `guichet check` at the warning level
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", fail_level="WARNING")
    # then each is named, in French, with what the pages use instead
    report = str(failed.value)
    assert "guichet.W102" in report and "#707000" in report
    assert "guichet.W103" in report and "guichet.W104" in report
    settings.GUICHET_ACCENT_COLOUR = "bleu"
    assert [m.id for m in theme.check_settings()][0] == "guichet.W101"
    assert theme.platform_accent() == theme.DEFAULT_ACCENT
