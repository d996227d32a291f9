"""Attach the person's roles to the request, loaded only when first used."""

from django.utils.functional import SimpleLazyObject

from partners.roles import roles_for


class RolesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.roles = SimpleLazyObject(lambda: roles_for(request.user))
        return self.get_response(request)
