"""Secrets kept in the database, encrypted with keys derived from SECRET_KEY.

``purpose`` separates the keys of different uses (a webhook secret cannot be
unsealed as an invitation link). SECRET_KEY_FALLBACKS keep older seals readable
through a key rotation.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet(purpose: str) -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"{purpose}:{key}".encode()).digest()))
            for key in keys
        ]
    )


def seal(text: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(text.encode()).decode()


def unseal(token: str, *, purpose: str) -> str:
    """Raises ``cryptography.fernet.InvalidToken`` for a seal of another key or purpose."""
    return _fernet(purpose).decrypt(token.encode()).decode()
