from django.conf import settings


def operator(request):
    """``operator``: who runs this deployment (footer, legal pages), from the settings."""
    return {"operator": settings.RELAIS_OPERATOR}
