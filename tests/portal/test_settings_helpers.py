import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.core import config


@pytest.mark.parametrize("raw", ["maybe", "2", "ja", "tru"])
def test_env_bool_refuses_what_it_cannot_read(raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        config.env_bool("DEBUG", False, environ={"DEBUG": raw})


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("Yes", True)])
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert config.env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_default_when_unset_or_blank():
    assert config.env_bool("DEBUG", True, environ={}) is True
    assert config.env_bool("DEBUG", False, environ={"DEBUG": "  "}) is False


def test_env_int_refuses_words_and_too_small_numbers():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        config.env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        config.env_int("EMAIL_PORT", 25, minimum=1, environ={"EMAIL_PORT": "0"})
    assert config.env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "587"}) == 587


def test_env_list_refuses_empty_items():
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        config.env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.be,,b.be"})
    assert config.env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.be, b.be"}) == [
        "a.be",
        "b.be",
    ]


def test_env_choice_refuses_unknown_names():
    with pytest.raises(ImproperlyConfigured, match="console"):
        config.env_choice(
            "EMAIL_BACKEND", "console", {"console": "x"}, environ={"EMAIL_BACKEND": "pigeon"}
        )


@pytest.mark.parametrize("url", ["mysql://u@h/db", "redis://localhost/0", "nonsense"])
def test_env_database_only_sqlite_and_postgres(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        config.env_database("DATABASE_URL", "sqlite:///x", environ={"DATABASE_URL": url})


def test_env_database_reads_postgres_url():
    db = config.env_database(
        "DATABASE_URL", "sqlite:///x", environ={"DATABASE_URL": "postgres://u@127.0.0.1:5432/lac"}
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "lac"
    assert db["HOST"] == "127.0.0.1"


def test_secret_key_required_in_production():
    with pytest.raises(ImproperlyConfigured, match="must be set"):
        config.env_secret_key("SECRET_KEY", production=True, dev_default="x", environ={})


@pytest.mark.parametrize("weak", ["short", "django-insecure-" + "a" * 60, "a" * 60])
def test_weak_secret_key_refused_in_production(weak):
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        config.env_secret_key(
            "SECRET_KEY", production=True, dev_default="x", environ={"SECRET_KEY": weak}
        )


def test_development_falls_back_to_the_demo_key():
    assert config.env_secret_key("SECRET_KEY", production=False, dev_default="dev", environ={}) == (
        "dev"
    )


def test_settings_module_refuses_to_start_in_production_without_key():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(PORTAL_ENV="production", ALLOWED_HOSTS="portal.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("rate", ["600/hour", "10/minute", "1/s", "5000/day"])
def test_rates_are_read(rate):
    assert config.env_rate("RATE", "1/day", environ={"RATE": rate}) == rate


@pytest.mark.parametrize("rate", ["600", "ten/minute", "0/minute", "5/week", "/hour"])
def test_bad_rates_stop_the_start(rate):
    with pytest.raises(ImproperlyConfigured, match="RATE"):
        config.env_rate("RATE", "1/day", environ={"RATE": rate})


def test_production_api_is_json_only_and_webhooks_stay_off_localhost():
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    env.update(
        PORTAL_ENV="production",
        ALLOWED_HOSTS="portal.example.org",
        SECRET_KEY="x" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
    )
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'], s.PORTAL_WEBHOOK_ALLOW_LOCALHOST)"
    )
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['rest_framework.renderers.JSONRenderer'] False"


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        ("redis://127.0.0.1:6379/0", "django.contrib.sessions.backends.db"),
        ("locmem://", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_live_in_the_database_with_any_cache(cache_url, engine):
    """A Redis cache is a cache only: sessions stay in the database, so a Redis
    restart logs nobody out and pages go on while Redis is away."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; "
        "django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(  # noqa: S603 - this interpreter, our own settings
        [sys.executable, "-c", code],
        env={**env, "CACHE_URL": cache_url},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == engine
