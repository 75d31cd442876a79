from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from tracebridge.agencies import audit
from tracebridge.agencies.models import AppendOnlyError, AuditEvent


def test_record_fills_actor_agency_and_object(analyst: Any) -> None:
    event = audit.record(
        "complaint.read", user=analyst, object_type="complaint", object_id="FTC:1", reason="triage"
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.username, stored.agency.code, stored.action) == (
        analyst.username,
        "US-FBI",
        "complaint.read",
    )
    assert (stored.object_type, stored.object_id, stored.detail) == (
        "complaint",
        "FTC:1",
        {"reason": "triage"},
    )


def test_model_and_queryset_refuse_changes(analyst: Any) -> None:
    event = audit.record("x", user=analyst)
    event.action = "y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="z")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE agencies_auditevent SET action = 'tampered'",
        "DELETE FROM agencies_auditevent",
    ],
)
def test_database_trigger_refuses_raw_sql(analyst: Any, sql: str) -> None:
    audit.record("kept", user=analyst)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="kept").count() == 1
