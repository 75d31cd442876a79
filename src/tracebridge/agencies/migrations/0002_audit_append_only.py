"""The database itself refuses UPDATE and DELETE on the audit log.

TRUNCATE (PostgreSQL) is left to database privileges: only the table owner can run it, which is
how `tracebridge flush` (wiping the whole node) works; run the application under a role that
does not own the tables to forbid even that.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION tracebridge_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'agencies_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agencies_auditevent_append_only
  BEFORE UPDATE OR DELETE ON agencies_auditevent
  FOR EACH ROW EXECUTE FUNCTION tracebridge_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS agencies_auditevent_append_only ON agencies_auditevent;
DROP FUNCTION IF EXISTS tracebridge_audit_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER agencies_auditevent_no_update BEFORE UPDATE ON agencies_auditevent
       BEGIN SELECT RAISE(ABORT, 'agencies_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER agencies_auditevent_no_delete BEFORE DELETE ON agencies_auditevent
       BEGIN SELECT RAISE(ABORT, 'agencies_auditevent is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS agencies_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS agencies_auditevent_no_delete;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_UP], "sqlite": SQLITE_UP}),
            _run({"postgresql": [PG_DOWN], "sqlite": SQLITE_DOWN}),
        )
    ]
