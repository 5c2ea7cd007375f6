"""The event table refuses updates (and, on PostgreSQL, deletions) at the database level.

The hash chain detects a change made behind the application's back; these triggers make
such a change need a deliberate step first (dropping the trigger, or a superuser session
in replication mode), which the database's own logs record. SQLite gets the UPDATE guard
only: Django's test flush empties tables with DELETE there.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION motcua_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dossier events are append-only (%% on %%)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dossier_event_append_only
    BEFORE UPDATE OR DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION motcua_event_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS dossier_event_append_only ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS motcua_event_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER dossier_event_append_only BEFORE UPDATE ON dossiers_dossierevent
BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS dossier_event_append_only;"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
