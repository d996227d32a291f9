import logging

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from portal.core.api import RequestTooLarge

API_PREFIX = "/api/"


def api_language(request) -> str:
    """The first supported language the API client prefers (``nl-BE`` counts as ``nl``);
    Dutch when it names none we speak."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code, _quality in parse_accept_lang_header(
        request.headers.get("Accept-Language", "")[:500]
    ):
        if code == "*":
            break
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


class ApiBodySizeMiddleware:
    """Refuse an API request whose Content-Length is over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    with 413, before anything (sessions, authentication, the view) reads the body.

    Django would refuse it anyway once the body is read, but as a bare HTML 400. This
    counts the whole body, files too: the API takes no file uploads. A body whose
    Content-Length understates it is caught while reading, by the API's exception
    handler (``portal.core.api``). Pages keep Django's own behaviour.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as 0 as well
        if length <= limit:
            return self.get_response(request)
        language = api_language(request)
        with translation.override(language):
            refusal = RequestTooLarge()
            response = JsonResponse(
                {"detail": str(refusal.detail), "code": refusal.default_code},
                status=refusal.status_code,
            )
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response


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
            language = api_language(request)
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
