"""The contracts app's tables, one module per concern; each module is imported here."""

from guichet.contracts.models.briefings import Briefing, BriefingRemit  # noqa: F401
from guichet.contracts.models.contracts import (  # noqa: F401
    Contract,
    Indicator,
    IndicatorKind,
    Remark,
    Report,
)
