"""API writes: one transaction with their answer, and safe to retry with a key.

``ApiWriteMiddleware`` runs every unsafe request to ``/api/`` in one transaction
that ends after the answer is built. So when the database goes away after the
commit, the client has its answer already, and when it goes away before, nothing
was written and the answer (503, ``Retry-After``) says to try again. Any answer
of 500 or more undoes the transaction: a committed change is never answered with
an error, and an error never leaves a change behind.

A write sent with ``Idempotency-Key: <up to 255 visible characters>`` is stored
with its answer in that same transaction. The same key again (from the same
token) replays the stored answer, marked ``Idempotent-Replayed: true``, instead of
making the change twice: the retry of a request whose answer was lost (a
connection cut, a 502 from the load balancer) is safe. The same key with another
method, path or body is refused with 422. Only successful answers (2xx) are kept:
a refused request changed nothing and may be sent again as it is. Keys are kept
``KEEP_HOURS`` hours, then forgotten (``prune_finished_jobs``).
"""

from __future__ import annotations

import hashlib
import re

from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.core.models import IdempotentRequest

API_PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
KEEP_HOURS = 24
REPLAYED_HEADERS = ("ETag", "Location", "Content-Language", "Vary")


def _error(request, status: int, code: str, detail: str) -> JsonResponse:
    from portal.core.middleware import api_language

    language = api_language(request)
    with translation.override(language):
        response = JsonResponse({"detail": str(detail), "code": code}, status=status)
    response["Content-Language"] = language
    return response


def _unavailable(request) -> JsonResponse:
    from portal.core.api import DatabaseUnavailable

    response = _error(request, 503, "unavailable", DatabaseUnavailable.default_detail)
    response["Retry-After"] = str(DatabaseUnavailable.retry_after)
    return response


def _digest(*parts: bytes) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(hashlib.sha256(part).digest())
    return hashed.hexdigest()


class ApiWriteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        key = request.headers.get("Idempotency-Key")
        credentials = request.headers.get("Authorization", "")
        if key is not None and not KEY.match(key):
            return _error(
                request,
                400,
                "invalid_idempotency_key",
                _("Idempotency-Key must be 1 to 255 visible characters, without spaces."),
            )
        try:
            if key is None or not credentials:
                with transaction.atomic():
                    return self._undo_on_error(self.get_response(request))
            return self._with_key(request, key, _digest(credentials.encode()))
        except DatabaseError:
            # Raised while committing (or by a rollback on a dead connection): if the
            # commit did not happen nothing changed; with a key, the retry is safe
            # either way.
            return _unavailable(request)

    def _with_key(self, request, key: str, scope: str):
        fingerprint = _digest(request.method.encode(), request.path.encode(), request.body)
        with transaction.atomic():
            stored = self._stored(scope, key)
            if stored is not None:
                return self._replay(request, stored, fingerprint)
            response = self._undo_on_error(self.get_response(request))
            if 200 <= response.status_code < 300:
                try:
                    with transaction.atomic():  # a savepoint: a concurrent twin wins
                        IdempotentRequest.objects.create(
                            scope=scope,
                            key=key,
                            fingerprint=fingerprint,
                            status=response.status_code,
                            content_type=response.get("Content-Type", ""),
                            headers={h: response[h] for h in REPLAYED_HEADERS if h in response},
                            body=response.content,
                        )
                except IntegrityError:
                    # The same request ran at the same time and committed first: undo
                    # this one and give its answer.
                    transaction.set_rollback(True)
                    stored = None
                else:
                    return response
            else:
                return response
        stored = self._stored(scope, key)
        if stored is None:  # cannot happen: the twin committed; be safe anyway
            return _unavailable(request)
        return self._replay(request, stored, fingerprint)

    @staticmethod
    def _undo_on_error(response):
        """An answer of 500 or more must not leave a change behind (say the database
        went away while the answer was built, after the service's work): undo it."""
        if response.status_code >= 500:
            transaction.set_rollback(True)
        return response

    @staticmethod
    def _stored(scope: str, key: str) -> IdempotentRequest | None:
        return IdempotentRequest.objects.filter(scope=scope, key=key).first()

    @staticmethod
    def _replay(request, stored: IdempotentRequest, fingerprint: str) -> HttpResponse:
        if stored.fingerprint != fingerprint:
            return _error(
                request,
                422,
                "idempotency_key_reused",
                _("This Idempotency-Key was used for another request. Use a new key."),
            )
        response = HttpResponse(
            bytes(stored.body), status=stored.status, content_type=stored.content_type or None
        )
        for header, value in stored.headers.items():
            response[header] = value
        response["Idempotent-Replayed"] = "true"
        return response
