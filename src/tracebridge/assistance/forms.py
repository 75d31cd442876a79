"""The create form, generated from the kind's JSON Schema (rules.schema): one input per field,
a select for enumerations, check boxes for lists of choices and rows for identifiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tracebridge.assistance import rules


def words(code: str) -> str:
    """A code as the reader's words: its translation, else the code with spaces."""
    shown = _(code)
    return shown.replace("_", " ") if shown == code else shown


IDENTIFIER_ROWS = 3
IDENTIFIER_PARTS = ("value", "type", "from", "to", "zone")
# Field names, descriptions and choices are translated as read from the schemas;
# tests/assistance/test_pages.py checks the Hindi catalog holds each of them.


@dataclass
class Widget:
    name: str
    label: str
    help: str
    kind: str  # text, select, choices, identifiers
    required: bool
    choices: list[str] = field(default_factory=list)
    value: Any = ""
    error: str = ""


def widgets(kind: str, values: dict[str, Any], errors: dict[str, str]) -> list[Widget]:
    schema = rules.schema(kind)
    out = []
    for name, node in schema["properties"].items():
        widget = Widget(
            name,
            capfirst(words(name)),
            _(node["description"]),
            _widget_kind(node),
            name in schema["required"],
            value=values.get(name, ""),
            error=_error_for(name, errors),
        )
        if node.get("enum"):
            widget.choices = list(node["enum"])
        elif node["type"] == "array" and "enum" in node["items"]:
            widget.choices = list(node["items"]["enum"])
        if widget.kind == "identifiers":
            widget.value = _identifier_rows(values.get(name) or [])
        out.append(widget)
    return out


def _widget_kind(node: dict[str, Any]) -> str:
    if node["type"] == "array":
        return "identifiers" if node["items"]["type"] == "object" else "choices"
    return "select" if "enum" in node else "text"


def _error_for(name: str, errors: dict[str, str]) -> str:
    return "; ".join(why for path, why in errors.items() if path.split("[")[0] == name)


def _identifier_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = list(rows)[:IDENTIFIER_ROWS]
    return rows + [{} for _ in range(IDENTIFIER_ROWS - len(rows))]


def fields_from_post(kind: str, post: QueryDict) -> dict[str, Any]:
    """The kind's fields from the submitted form; empty inputs are left out."""
    fields: dict[str, Any] = {}
    for w in widgets(kind, {}, {}):
        if w.kind == "identifiers":
            rows = [_identifier(post, w.name, i) for i in range(IDENTIFIER_ROWS)]
            value: Any = [r for r in rows if any(r.values())]
        elif w.kind == "choices":
            value = [v for v in post.getlist(w.name) if v]
        else:
            value = post.get(w.name, "").strip()
        if value:
            fields[w.name] = value
    return fields


def _identifier(post: QueryDict, name: str, i: int) -> dict[str, str]:
    row = {part: post.get(f"{name}-{i}-{part}", "").strip() for part in IDENTIFIER_PARTS}
    return {k: v for k, v in row.items() if v}
