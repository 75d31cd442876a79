"""A request's codes (kinds, statuses, steps, field names, refusal reasons) as words:
``{{ req.status|words }}``: the Hindi catalog's words in Hindi, and in English the code with
spaces for underscores ("supervisor review"), as both nodes keep the codes themselves."""

from __future__ import annotations

from django import template

from tracebridge.assistance.forms import words

register = template.Library()
register.filter("words", words)
