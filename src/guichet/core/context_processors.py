from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, str]:
    return {"GUICHET_BASE_URL": settings.GUICHET_BASE_URL, "PLATFORM_NAME": "Guichet"}
