"""Public pages every deployment must publish: legal notices (LCEN art. 6 III), the
personal-data notice (GDPR art. 13 and 14) and the accessibility statement (law 2005-102
art. 47, RGAA). Their operator details come from ``settings.RELAIS_OPERATOR``."""

from django.shortcuts import redirect, render
from django.templatetags.static import static


def legal_notice(request):
    return render(request, "site/legal_notice.html")


def personal_data(request):
    return render(request, "site/personal_data.html")


def accessibility(request):
    return render(request, "site/accessibility.html")


def favicon(request):
    """``/favicon.ico``, asked for by browsers and feed readers whatever the page says."""
    return redirect(static("relais/favicon.svg"), permanent=True)
