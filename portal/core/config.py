"""Typed readers for environment variables.

Settings come from the environment (twelve-factor style). Each helper parses
one kind of value and raises ``ImproperlyConfigured`` with the variable's name
when the value cannot be understood, so a typo stops the process at start-up
instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None, *, environ=None) -> str:
    value = _raw(name, environ)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ=None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of {sorted(_TRUE | _FALSE)}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None, environ=None) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str], *, environ=None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item; separate with commas.")
    return items


_RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def env_rate(name: str, default: str, *, environ=None) -> str:
    """A request rate such as ``600/hour`` (periods: second, minute, hour, day)."""
    value = _raw(name, environ) or default
    number, _slash, period = value.partition("/")
    if not number.isdigit() or int(number) < 1 or period not in _RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate; write it like 600/hour or 10/minute."
        )
    return value


def env_choice(name: str, default: str, choices: Mapping[str, str], *, environ=None) -> str:
    """Map a short name (``console``) to a dotted path, refusing unknown names."""
    value = _raw(name, environ) or default
    try:
        return choices[value]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is unknown; choose one of {', '.join(sorted(choices))}."
        ) from None


def env_database(name: str, default: str, *, environ=None) -> dict:
    """Parse a database URL; only SQLite and PostgreSQL are supported."""
    url = _raw(name, environ) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} cannot be parsed: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(f"{name} must point at SQLite or PostgreSQL, not {engine!r}.")
    if engine.endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    return config


def env_secret_key(name: str, *, production: bool, dev_default: str, environ=None) -> str:
    """In production a real key is required: long, and not Django's insecure placeholder."""
    value = _raw(name, environ)
    if not production:
        return value or dev_default
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set when PORTAL_ENV=production.")
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure"):
        raise ImproperlyConfigured(
            f"{name} is too weak for production: use at least 50 random characters."
        )
    return value
