from django.utils.functional import SimpleLazyObject


def navigation(request):
    """Expose the person's principal and unread count to every template, loaded lazily."""
    user = getattr(request, "user", None)
    principal = getattr(request, "principal", None)
    if user is None or not user.is_authenticated or principal is None:
        return {"principal": None, "unread_notifications": 0}

    def unread() -> int:
        from portal.core.models import Notification

        return Notification.objects.for_user(user).unread().count()

    return {"principal": principal, "unread_notifications": SimpleLazyObject(unread)}
