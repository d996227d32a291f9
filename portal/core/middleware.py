import logging

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"


class LanguageMiddleware:
    """Pick the interface language: the user's saved choice, else the cookie, else Dutch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language
    for pages: the portal speaks Dutch unless someone chooses otherwise. The
    API is the exception: integrations have no cookie or profile to choose
    with, so there the request's Accept-Language decides (Dutch when absent).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        is_api = request.path_info.startswith(API_PREFIX)
        language = settings.LANGUAGE_CODE
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if is_api:
            language = self.from_accept_language(request.headers.get("Accept-Language", ""))
        elif user is not None and user.is_authenticated and user.language in self.supported:
            language = user.language
        elif cookie in self.supported:
            language = cookie
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if is_api:
            patch_vary_headers(response, ["Accept-Language"])
        return response

    def from_accept_language(self, header: str) -> str:
        """The first supported language the client prefers (``nl-BE`` counts as ``nl``)."""
        for code, _quality in parse_accept_lang_header(header[:500]):
            if code == "*":
                break
            base = code.split("-")[0].lower()
            if base in self.supported:
                return base
        return settings.LANGUAGE_CODE


class ApiTokenLogMiddleware:
    """One log line per API request made with a token: who, what, and the answer.

    Never the request or response body: those may hold personal data.
    """

    logger = logging.getLogger("portal.core.api")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from portal.core.models import ApiToken

        response = self.get_response(request)
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            self.logger.info(
                "api token=%s user=%s %s %s %s",
                token.pk,
                token.user_id,
                request.method,
                request.path,
                response.status_code,
            )
        return response
