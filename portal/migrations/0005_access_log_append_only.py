"""The database itself refuses to change or remove access log rows.

PostgreSQL: a row trigger rejects UPDATE and DELETE for every database user
the portal connects as. SQLite (the demo): UPDATE is rejected; DELETE stays
possible there because test databases are emptied with DELETE.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION portal_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'portal_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_accesslog_append_only
    BEFORE UPDATE OR DELETE ON portal_accesslog
    FOR EACH ROW EXECUTE FUNCTION portal_accesslog_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS portal_accesslog_append_only ON portal_accesslog;
DROP FUNCTION IF EXISTS portal_accesslog_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER portal_accesslog_no_update BEFORE UPDATE ON portal_accesslog
BEGIN SELECT RAISE(ABORT, 'portal_accesslog is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS portal_accesslog_no_update;"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_access_log")]

    operations = [migrations.RunPython(up, down)]
