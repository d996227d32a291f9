"""The backup routine of docs/deployment.md: pg_dump the database, restore the dump
into another database, and find everything there — rows, sequences and the access
log's append-only trigger."""

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.core.models import AccessLog

pytestmark = pytest.mark.django_db(transaction=True)


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _counts(conn) -> dict:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@pytest.fixture
def scratch():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore are PostgreSQL tools.")
    name = connection.settings_dict["NAME"] + "_restore"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield _url(name)
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database(cast, referral, scratch, tmp_path, client):
    client.force_login(cast.social_worker)
    client.get(f"/referrals/{referral.pk}/")  # leaves a row in the access log
    assert AccessLog.objects.exists()
    dump = tmp_path / "portal.dump"
    call_command("backup_database", output=dump, stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    assert dump.stat().st_size > 0
    assert not (tmp_path / "portal.dump.partial").exists()

    call_command("restore_database", dump, into=scratch, stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    with psycopg.connect(_url(connection.settings_dict["NAME"])) as original:
        expected = _counts(original)
    with psycopg.connect(scratch) as restored:
        assert _counts(restored) == expected
        assert expected["referrals_referral"] >= 1
        # Sequences come along: a new row does not collide with a restored one.
        highest = restored.execute("SELECT max(id) FROM referrals_referral").fetchone()[0]
        next_id = restored.execute(
            "SELECT nextval(pg_get_serial_sequence('referrals_referral', 'id'))"
        ).fetchone()[0]
        assert next_id > highest
        # The access log stays append-only in the copy.
        with pytest.raises(psycopg.errors.RaiseException):
            restored.execute("UPDATE portal_accesslog SET path = 'changed'")


def test_restoring_twice_replaces_rather_than_doubles(cast, referral, scratch, tmp_path):
    dump = tmp_path / "portal.dump"
    call_command("backup_database", output=dump, stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    for _ in range(2):
        call_command("restore_database", dump, into=scratch, stdout=open(tmp_path / "o", "w"))  # noqa: SIM115
    with psycopg.connect(scratch) as restored:
        count = restored.execute("SELECT count(*) FROM referrals_referral").fetchone()[0]
    assert count == 1


def test_the_current_database_is_not_overwritten_by_accident(scratch, tmp_path):
    dump = tmp_path / "portal.dump"
    call_command("backup_database", output=dump, stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    current = _url(connection.settings_dict["NAME"])
    with pytest.raises(CommandError, match="--replace-current"):
        call_command("restore_database", dump, into=current)


def test_a_missing_dump_is_a_clear_error(scratch, tmp_path):
    with pytest.raises(CommandError, match="No such dump"):
        call_command("restore_database", tmp_path / "nothing.dump", into=scratch)


def test_sqlite_is_told_backups_need_postgresql(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for SQLite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("backup_database", output=tmp_path / "x.dump")
