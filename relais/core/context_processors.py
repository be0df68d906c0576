from .navigation import menu_for
from .selectors import current_crisis_state


def relais(request):
    """Current organisation, its crisis state (for the banner) and the user's abilities."""
    organisation = getattr(request, "organisation", None)
    abilities = getattr(request, "abilities", {})
    return {
        "current_organisation": organisation,
        "current_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        # Templates cannot look up dotted keys: ``can.housing_view`` for "housing.view".
        "can": {name.replace(".", "_"): allowed for name, allowed in abilities.items()},
        "crisis_state": current_crisis_state(organisation) if organisation else None,
        "main_menu": menu_for(request),
    }
