"""The participation app's tables, one module per concern; each module is imported here."""

from guichet.participation.models import consultations, ideas, moderation, opinion, petitions  # noqa: F401  (P1)  # noqa: F401  (P2)
from guichet.participation.models.base import Moderated

__all__ = ["Moderated"]
