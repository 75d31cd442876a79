"""The node's own commands: demo and flush (serve: test_serve.py; the entry point: test_cli.py)."""

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, AuditEvent, User


def test_demo_loads_agencies_and_users_without_serving(db: None, capsys: Any) -> None:
    call_command("demo", "--no-serve")
    assert set(Agency.objects.values_list("code", flat=True)) >= {
        "US-DOJ-CPB",
        "US-FBI",
        "US-FTC",
        "IN-CBI",
        "IN-I4C",
    }
    fbi = User.objects.get(username="fbi.analyst")
    assert (fbi.agency.code, fbi.role) == ("US-FBI", "analyst")
    assert fbi.check_password("tracebridge-demo")
    printed = capsys.readouterr().err
    assert "tracebridge-demo" in printed
    for username, code in (("doj-oia.supervisor", "US-DOJ-OIA"), ("mha.supervisor", "IN-MHA")):
        official = User.objects.get(username=username)
        assert official.agency is not None and official.agency.central_authority
        assert official.agency.code == code and official.check_password("tracebridge-demo")
        assert re.search(rf"{re.escape(username)}\s*│\s*{code}\s*│\s*supervisor", printed)


@pytest.mark.django_db(transaction=True)  # PostgreSQL's TRUNCATE needs no pending FK triggers
def test_flush_wipes_the_audit_log_and_keeps_it_append_only(analyst: User) -> None:
    audit.record("test.before_flush", user=analyst)
    call_command("flush", interactive=False, verbosity=0)
    assert (AuditEvent.objects.count(), User.objects.count(), Agency.objects.count()) == (0, 0, 0)
    audit.record("test.after_flush")
    event = AuditEvent.objects.get()
    refused = (DatabaseError, IntegrityError)
    with pytest.raises(refused), connection.cursor() as cursor:
        cursor.execute("DELETE FROM agencies_auditevent WHERE id = %s", [event.pk])
