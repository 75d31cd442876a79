"""The narrative with its identifiers marked: every piece of it escaped, since narratives are
written by whoever filed the complaint (often the scammer's own text pasted in)."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tracebridge import identifiers


def highlighted(narrative: str, region: str | None) -> SafeString:
    parts: list[str] = []
    cursor = 0
    for found in sorted(identifiers.extract(narrative, region), key=lambda f: (f.start, -f.end)):
        if found.start < cursor:  # overlaps the last mark
            continue
        parts.append(escape(narrative[cursor : found.start]))
        parts.append(
            format_html(
                '<mark class="ident ident-{}" title="{}">{}</mark>',
                found.identifier.kind,
                found.identifier.key,
                narrative[found.start : found.end],
            )
        )
        cursor = found.end
    parts.append(escape(narrative[cursor:]))
    return mark_safe("".join(parts))
