from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Pick the interface language: the user's saved choice, else the cookie, else Dutch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language
    for pages: the portal speaks Dutch unless someone chooses otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = settings.LANGUAGE_CODE
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            language = user.language
        elif cookie in self.supported:
            language = cookie
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RolesMiddleware:
    """Attach the person's roles to the request, loaded (one query) only when used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.functional import SimpleLazyObject

        from partners.roles import roles_for

        request.roles = SimpleLazyObject(lambda: roles_for(request.user))
        return self.get_response(request)
