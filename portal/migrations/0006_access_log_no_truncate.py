"""The access log cannot be emptied with TRUNCATE either.

The row trigger of 0005 does not fire for TRUNCATE, which empties a table at
once. A statement trigger refuses it now, also when the access log would be
emptied by a TRUNCATE … CASCADE of another table. Emptying it on purpose (a
test database between tests) takes a deliberate step in the same transaction,
``SET LOCAL portal.access_log_maintenance = 'on'``, which the portal's code never
takes; in production the portal's database role holds no TRUNCATE privilege on
the table at all (docs/deployment.md). SQLite has no TRUNCATE.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION portal_accesslog_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.access_log_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'portal_accesslog is append-only: it cannot be truncated';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_accesslog_no_truncate
    BEFORE TRUNCATE ON portal_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION portal_accesslog_no_truncate();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS portal_accesslog_no_truncate ON portal_accesslog;
DROP FUNCTION IF EXISTS portal_accesslog_no_truncate();
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_access_log_append_only")]

    operations = [migrations.RunPython(up, down)]
