"""The participation app's tables, one module per concern; each module is imported here."""
from guichet.participation.models import consultations  # noqa: F401  (P1)
from guichet.participation.models.base import Moderated

__all__ = ["Moderated"]
