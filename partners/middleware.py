"""Give each request its principal (``request.principal``), read only when first used.

``request.principal`` is the session user's. An API view authenticates its token
later, inside DRF, so API code asks ``as_principal(request.user)`` instead: the
token's user is marked as the request's (portal.core.api_auth), and its
principal is built once as well.
"""

from django.utils.functional import SimpleLazyObject

from partners.principal import REQUEST_USER_MARK, principal_of


class PrincipalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.principal = SimpleLazyObject(lambda: principal_of(request))
        user = request.user
        if user.is_authenticated:
            # Rules asked about request.user reuse the request's principal.
            setattr(user, REQUEST_USER_MARK, True)
        return self.get_response(request)
