"""Django admin pieces every app uses.

The admin is one more door to the data, so it goes through the same services as the
pages: an admin page either only shows (``ReadOnlyAdmin``) or saves by calling a
service (``ServiceAdmin``), whose rules and audit entries then hold here too.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.http import HttpResponseRedirect

from portal.core.exceptions import ActionRefused


class ReadOnlyAdmin(admin.ModelAdmin):
    """For looking only: changes go through the portal's pages and services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes by calling services (``save_model``/``delete_model`` do).

    A service that refuses shows its reason at the top of the page the admin came
    from; the transaction the admin opened is rolled back, so nothing was saved.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ActionRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ActionRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        """No bulk delete: each deletion goes through its service, one at a time."""
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions
