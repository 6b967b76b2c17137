"""The opendata app's tables, one module per concern; each module is imported here."""

from guichet.opendata.models.datasets import Dataset, Publication, PublicationFile
from guichet.opendata.models.udata import UdataLink

__all__ = ["Dataset", "Publication", "PublicationFile", "UdataLink"]
