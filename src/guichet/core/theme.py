"""The platform's own look: the deploying body's name, logo and accent colour, never the State's.

The DSFR's components and grid are used under their MIT licence, but its identity (the
Marianne bloc-marque « République Française », the Marianne typeface, the State's colours) is
reserved to State services (the DSFR's terms, `doc/legal/cgu.md`). So:

- the bloc-marque is shown only when `GUICHET_STATE_OPERATOR` says the operator is a State
  entity (a préfecture);
- the accent colour (`GUICHET_ACCENT_COLOUR`, or an authority's own on its pages) replaces the
  DSFR's "bleu France" through CSS custom properties, in a stylesheet served by the site
  (`/theme/<colour>.css`): the Content-Security-Policy refuses inline styles;
- the typeface is Atkinson Hyperlegible (OFL), shipped in `static/guichet/fonts/`.

An accent must read as text on white and on the light tints drawn from it: WCAG AA asks 4.5:1.
A colour that falls short is refused where a person types it (the admin), and darkened until
it passes where it comes from the settings (with a warning from `guichet check`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.templatetags.static import static
from django.urls import reverse

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MINIMUM_CONTRAST = 4.5  # WCAG 2.1 AA, normal text
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
# The lightest backgrounds the DSFR draws accent-coloured text on are tints of the accent:
# the share of the accent in each (DSFR's 975, 950, 925 and 850 steps of "bleu France").
TINTS = {"975-75": 0.04, "950-100": 0.075, "925-125": 0.11, "850-200": 0.21}
# The darkest of them that carries accent-coloured text at rest (tags, 925-125).
TEXT_BACKGROUND_TINT = TINTS["925-125"]

PLATFORM_NAME = "Guichet"

RGB = tuple[int, int, int]


def parse(colour: str) -> RGB:
    """`#rrggbb` as three integers; ValueError for anything else."""
    if not HEX_COLOUR.match(colour or ""):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def hex_of(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def mix(colour: RGB, other: RGB, share_of_colour: float) -> RGB:
    """`share_of_colour` of `colour`, the rest of `other`."""
    return tuple(  # type: ignore[return-value]
        round(c * share_of_colour + o * (1 - share_of_colour))
        for c, o in zip(colour, other, strict=True)
    )


def luminance(rgb: RGB) -> float:
    """WCAG's relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG's contrast ratio, from 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def weakest_contrast(colour: RGB) -> float:
    """The accent's contrast where it is hardest to read: on white or on its darkest tint
    that carries text (white text on an accent background is the same ratio as the first)."""
    return min(contrast(colour, WHITE), contrast(colour, mix(colour, WHITE, TEXT_BACKGROUND_TINT)))


def accessible(colour: RGB) -> RGB:
    """`colour` itself when it reads well enough, else the lightest darkening of it that does."""
    step = 0
    candidate = colour
    while weakest_contrast(candidate) < MINIMUM_CONTRAST:
        step += 1
        candidate = mix(colour, BLACK, 1 - step / 100)
    return candidate


def french_ratio(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + ":1"


def validate_accent(value: str) -> None:
    """The admin's check of an accent colour: `#rrggbb`, and readable as text (WCAG AA)."""
    try:
        rgb = parse(value)
    except ValueError:
        raise ValidationError(
            "Indiquez la couleur sous la forme #rrvvbb (par exemple #1f5d8c).", code="format"
        ) from None
    ratio = weakest_contrast(rgb)
    if ratio < MINIMUM_CONTRAST:
        raise ValidationError(
            "La couleur %(colour)s n'offre qu'un contraste de %(ratio)s avec le fond clair "
            "des pages : un texte de cette couleur serait difficile à lire. Il faut au moins "
            "4,5:1 (RGAA, critère 3.2). Choisissez une couleur plus foncée, par exemple "
            "%(suggestion)s.",
            code="contrast",
            params={
                "colour": value,
                "ratio": french_ratio(ratio),
                "suggestion": hex_of(accessible(rgb)),
            },
        )


def stylesheet(colour: RGB) -> str:
    """CSS custom properties that put `colour` where the DSFR has its "bleu France".

    The DSFR's tokens (`--text-action-high-blue-france`, `--background-action-high-…`,
    `--border-…`) are defined from these palette steps, so overriding the steps is enough.
    """
    accent = hex_of(colour)
    darker = hex_of(mix(colour, BLACK, 0.82))
    darkest = hex_of(mix(colour, BLACK, 0.7))
    lines = [
        f"--blue-france-sun-113-625: {accent};",
        f"--blue-france-sun-113-625-hover: {darker};",
        f"--blue-france-sun-113-625-active: {darkest};",
        # (not --blue-france-975-sun-113: it is the text on those buttons, light on the accent)
        f"--blue-france-main-525: {hex_of(mix(colour, WHITE, 0.6))};",
    ]
    for step, share in TINTS.items():
        lines += [
            f"--blue-france-{step}: {hex_of(mix(colour, WHITE, share))};",
            f"--blue-france-{step}-hover: {hex_of(mix(colour, WHITE, share + 0.06))};",
            f"--blue-france-{step}-active: {hex_of(mix(colour, WHITE, share + 0.1))};",
        ]
    body = "\n  ".join(lines)
    return f"/* Guichet: the accent colour {accent} in place of the DSFR's bleu France. */\n:root {{\n  {body}\n}}\n"


@dataclass(frozen=True)
class Brand:
    """Who a page speaks for: its name and logo in the header, its accent colour."""

    name: str
    logo: str  # an address the page can use, or ""
    accent: str  # #rrggbb, readable (see `accessible`)
    is_state: bool = False

    @property
    def is_named(self) -> bool:
        """Whether the name says more than the service title already does ("Guichet")."""
        return self.name != PLATFORM_NAME

    @property
    def accent_code(self) -> str:
        """The accent without its #, as in the stylesheet's address."""
        return self.accent[1:]

    @property
    def stylesheet_url(self) -> str:
        return reverse("theme_css", kwargs={"colour": self.accent[1:]})


LOGO_FILE = re.compile(r"^[\w-]+(/[\w.-]+)*\.(svg|png|jpe?g|webp|gif)$", re.IGNORECASE)


def validate_logo(value: str) -> None:
    """The admin's check of a logo's address: an http(s) URL, a path on this site (/…), or
    a static file's path (demo/sceaux.svg)."""
    value = (value or "").strip()
    if not value:
        return
    if value.startswith(("http://", "https://")):
        URLValidator(message="Cette adresse de logo n'est pas une adresse web valide.")(value)
        return
    if value.startswith("/") and not value.startswith("//") and " " not in value:
        return
    if LOGO_FILE.match(value) and ".." not in value:
        return
    raise ValidationError(
        "Indiquez l'adresse du logo : une adresse https://…, un chemin sur ce site commençant "
        "par /, ou le chemin d'un fichier statique (par exemple demo/sceaux.svg).",
        code="logo",
    )


def absolute_logo_address(value: str) -> str:
    """A logo's address for an e-mail, where only a full URL shows."""
    address = logo_address(value)
    if address.startswith("/"):
        return settings.GUICHET_BASE_URL + address
    return address


def logo_address(value: str) -> str:
    """A logo setting as an address: a URL or an absolute path as they are, else a static
    file's path (`guichet/logo.svg`)."""
    value = (value or "").strip()
    if not value or value.startswith(("http://", "https://", "/")):
        return value
    return static(value)


DEFAULT_ACCENT = "#2d4a66"


def platform_accent() -> str:
    """The settings' accent, darkened if it does not read well enough (the default if it is
    no colour at all: `guichet check` says so)."""
    try:
        return hex_of(accessible(parse(settings.GUICHET_ACCENT_COLOUR)))
    except ValueError:
        return DEFAULT_ACCENT


def check_settings(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """`guichet check`: the theme's settings, as the pages will read them."""
    found: list[checks.CheckMessage] = []
    colour = settings.GUICHET_ACCENT_COLOUR
    try:
        rgb = parse(colour)
    except ValueError:
        found.append(
            checks.Warning(
                f"GUICHET_ACCENT_COLOUR={colour!r} n'est pas une couleur #rrvvbb : "
                f"la couleur par défaut {DEFAULT_ACCENT} est utilisée.",
                id="guichet.W101",
            )
        )
    else:
        if weakest_contrast(rgb) < MINIMUM_CONTRAST:
            found.append(
                checks.Warning(
                    f"GUICHET_ACCENT_COLOUR={colour} n'offre qu'un contraste de "
                    f"{french_ratio(weakest_contrast(rgb))} : les pages utilisent "
                    f"{hex_of(accessible(rgb))}, plus foncée, qui atteint 4,5:1.",
                    id="guichet.W102",
                )
            )
    if settings.GUICHET_ACCESSIBILITY_LEVEL not in ACCESSIBILITY_LEVELS:
        found.append(
            checks.Warning(
                f"GUICHET_ACCESSIBILITY_LEVEL={settings.GUICHET_ACCESSIBILITY_LEVEL!r} : "
                "attendu non, partiellement ou totalement ; le site se déclare non conforme.",
                id="guichet.W103",
            )
        )
    logo = settings.GUICHET_OPERATOR_LOGO
    try:
        validate_logo(logo)
    except ValidationError as error:
        found.append(
            checks.Warning(
                f"GUICHET_OPERATOR_LOGO={logo!r} : {error.messages[0]}", id="guichet.W104"
            )
        )
    return found


def platform() -> Brand:
    """The deploying body's brand, from the settings."""
    return Brand(
        name=settings.GUICHET_OPERATOR_NAME,
        logo=logo_address(settings.GUICHET_OPERATOR_LOGO),
        accent=platform_accent(),
        is_state=settings.GUICHET_STATE_OPERATOR,
    )


def of_authority(authority: Any) -> Brand:
    """An authority's brand on its own pages (a commune's service and tracking pages): its
    name, its logo and accent where it set them, the platform's accent otherwise. The State's
    bloc-marque stays the platform's to show (a préfecture's platform), never a commune's."""
    base = platform()
    colour = getattr(authority, "brand_color", "") or ""
    try:
        accent = hex_of(accessible(parse(colour))) if colour else base.accent
    except ValueError:
        accent = base.accent
    return Brand(
        name=authority.name,
        logo=logo_address(getattr(authority, "logo_url", "") or ""),
        accent=accent,
        is_state=base.is_state,
    )


ACCESSIBILITY_LEVELS = {
    "non": "non conforme",
    "partiellement": "partiellement conforme",
    "totalement": "totalement conforme",
}


def accessibility_level() -> str:
    """« non conforme », « partiellement conforme » or « totalement conforme » (settings)."""
    return ACCESSIBILITY_LEVELS.get(settings.GUICHET_ACCESSIBILITY_LEVEL, "non conforme")
