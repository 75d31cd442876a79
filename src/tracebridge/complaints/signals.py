"""Signals the complaints app sends to higher stages (which it never imports).

``complaints_saved`` is sent after the transaction that created or changed complaints commits,
with ``complaint_ids=[...]`` (a list of Complaint primary keys); the campaigns app connects to it
to link the new sightings at once.
"""

from __future__ import annotations

from django.dispatch import Signal

complaints_saved = Signal()
