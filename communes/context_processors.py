from . import permissions


def navigation(request):
    """What the top navigation offers, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "portfolio": permissions.can_view_portfolio(user),
            "to_update": permissions.can_view_actions_to_update(user),
            "signatories": permissions.can_view_signatories(user),
            "admin": user.is_staff,
            "audit_log": permissions.can_view_audit_log(user),
            "reminders": permissions.can_view_reminders(user),
            "evaluation": permissions.can_view_network_dashboard(user),
            "territories": permissions.can_compare_territories(user),
        }
    }
