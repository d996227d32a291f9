"""Backups of the portal's PostgreSQL database with pg_dump, and their restore.

The routine (docs/deployment.md, "Backups"): ``manage.py backup_database`` writes
a compressed custom-format dump of the configured database; ``manage.py
restore_database FILE --into URL`` restores one into another (empty or
throw-away) database, and ``--into`` the configured database only with
``--replace-current``. The connection comes from the portal's own settings, the
password travels in the environment, never on a command line.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db import connection


class BackupError(Exception):
    pass


def _libpq_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _env_for_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise BackupError(f"Not a PostgreSQL URL: {parts.scheme}://…")
    return _libpq_env(
        {
            "HOST": parts.hostname,
            "PORT": parts.port,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "NAME": parts.path.lstrip("/"),
        }
    )


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def dump(output: Path) -> Path:
    """A compressed custom-format dump of the configured database (pg_dump -Fc):
    schema, data, triggers and sequences; restorable table by table."""
    if connection.vendor != "postgresql":
        raise BackupError("Backups with pg_dump need PostgreSQL (DATABASE_URL).")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
        _libpq_env(connection.settings_dict),
    )
    partial.replace(output)  # a file with the final name is always a whole dump
    return output


def is_current_database(url: str) -> bool:
    target = _env_for_url(url)
    current = _libpq_env(connection.settings_dict)
    return all(
        target.get(key, "") == current.get(key, "") for key in ("PGHOST", "PGPORT", "PGDATABASE")
    )


def restore(dump_file: Path, url: str) -> None:
    """Restore a dump into the database at ``url``: what is in the dump replaces
    what is there (``--clean --if-exists``), in one transaction, stopping at the
    first error."""
    if not dump_file.is_file():
        raise BackupError(f"No such dump: {dump_file}")
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_env_for_url(url)['PGDATABASE']}",
            str(dump_file),
        ],
        _env_for_url(url),
    )
