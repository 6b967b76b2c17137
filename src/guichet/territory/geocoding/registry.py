from guichet.core.registry import Registry
from guichet.territory.geocoding.base import Geocoder

geocoders: Registry[Geocoder] = Registry("geocoder")
