"""The one project-wide API permission class (kept apart so settings can import it early)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

READ_ONLY_TOKEN = _(
    "This API token may only read. Make a token with read and write access to change data."
)


class IsMember(permissions.IsAuthenticated):
    """Logged in and active; with a read-only token, only reading.

    What a person may see or change is decided per object by each app's access
    helpers and services, the same ones the HTML views use.
    """

    message = None
    code = None

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(request.auth, "read_only", False):
            self.message = READ_ONLY_TOKEN
            self.code = "read_only_token"
            return False
        return True
