from django.conf import settings


def platform(request):
    return {"GUICHET_BASE_URL": settings.GUICHET_BASE_URL, "PLATFORM_NAME": "Guichet"}
