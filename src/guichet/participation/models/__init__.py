"""The participation app's tables, one module per concern; each module is imported here."""
from guichet.participation.models.base import Moderated

__all__ = ["Moderated"]
