"""The one project-wide API permission class (kept apart so settings can import it early)."""

from rest_framework import permissions


class IsMember(permissions.IsAuthenticated):
    """Logged in and active.

    What a person may see or change is decided per object by each app's access
    helpers and services, the same ones the HTML views use.
    """
