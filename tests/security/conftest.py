"""The security tests share one world.

Building it takes a few seconds; the matrix and the crawl make thousands of
requests against it. So the world is built once for this package, inside a
transaction that is rolled back when the package is done, and every test runs
inside its own savepoint (pytest-django's ``db``), so what a test changes is
undone before the next one.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.security.world import build_world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PORTAL_ENFORCE_MFA=False,
        # The clients log in once, when the world is built, and stay logged in.
        PORTAL_SESSION_IDLE_MINUTES=24 * 60,
    )
    with django_db_blocker.unblock(), settings, transaction.atomic():
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
