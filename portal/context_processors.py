from partners.roles import Roles


def navigation(request):
    """Expose the person's roles to every template, loaded once per request."""
    roles = getattr(request, "roles", None)
    if not isinstance(roles, Roles):
        return {"roles": Roles()}
    return {"roles": roles}
