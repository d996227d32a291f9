from django.utils.functional import SimpleLazyObject

from partners.roles import Roles


def navigation(request):
    """Expose the person's roles and unread count to every template, loaded lazily."""
    roles = getattr(request, "roles", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": Roles(), "unread_notifications": 0}

    def unread() -> int:
        from portal.core.models import Notification

        return Notification.objects.for_user(user).unread().count()

    return {"roles": roles, "unread_notifications": SimpleLazyObject(unread)}
