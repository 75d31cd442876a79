"""JSON from outside the node, read within limits: size, nesting depth, integer length.

Every reader of outside JSON goes through here (TAXII POST bodies, partners' pages and bundle
files, API bodies, evidence packages, PASSporTs, the streamed STIX and MISP importers), so that
a hostile document is refused with one error that names the limit, instead of a RecursionError,
a bare ValueError (Python refuses to convert integers of more than 4,300 digits) or the memory
blow-up that deep nesting causes in a streaming parser (ijson keeps the whole path of every
level: 400 KB of ``[`` took 23 GB).

``loads`` needs only the standard library: the evidence verifier, which runs alone, uses it.
``items`` (for streams) imports numpy when it reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO, Any

MAX_BYTES = 64 * 1024 * 1024  # as DATA_UPLOAD_MAX_MEMORY_SIZE: the largest body a node accepts
MAX_DEPTH = 64  # STIX, MISP and package documents nest about 10 deep
MAX_INT_DIGITS = 40  # a uint128 has 39; amounts, sizes and timestamps have far fewer


class JsonInputError(ValueError):
    """Outside JSON that is not JSON or breaks a limit; the message says which, and where."""


class JsonLimitError(JsonInputError):
    """JSON over a limit: too large, nested too deep, an integer too long."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_depth: int = MAX_DEPTH
    max_int_digits: int = MAX_INT_DIGITS


DEFAULT = Limits()


def loads(data: bytes | str, what: str = "the JSON", limits: Limits = DEFAULT) -> Any:
    """Parse ``data`` or raise JsonInputError naming ``what`` and the broken rule."""
    if len(data) > limits.max_bytes:
        raise JsonLimitError(f"{what} has {len(data)} bytes, over the limit of {limits.max_bytes}")
    try:
        value = json.loads(
            data, parse_int=_int_parser(what, limits.max_int_digits), parse_constant=_constant
        )
    except RecursionError:
        raise _too_deep(what, limits) from None
    except JsonInputError:
        raise
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise JsonInputError(f"{what} is not JSON: {exc}") from None
    if _depth_over(value, limits.max_depth):
        raise _too_deep(what, limits)
    return value


def _too_deep(what: str, limits: Limits) -> JsonLimitError:
    return JsonLimitError(f"{what} nests deeper than the limit of {limits.max_depth} levels")


def _int_parser(what: str, max_digits: int) -> Any:
    def parse(text: str) -> int:
        if len(text.lstrip("-")) > max_digits:
            raise JsonLimitError(
                f"{what} has an integer of {len(text.lstrip('-'))} digits, over the limit of "
                f"{max_digits}"
            )
        return int(text)

    return parse


def _constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not a JSON value (RFC 8259 §6)")


def _depth_over(value: Any, max_depth: int) -> bool:
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


def items(stream: IO[bytes], prefix: str, what: str = "the file", guard: bool = True) -> Any:
    """ijson's items under ``prefix``, from a guarded stream (``guard=False`` only for a second
    pass over a stream a guarded pass has read whole). Each item, and each string, is bounded
    by MAX_BYTES as a whole body is."""
    import ijson

    level = len(prefix.split(".")) + 1 if prefix else 1  # the depth inside an item
    source = DepthGuard(stream, what, MAX_DEPTH, level) if guard else stream
    return ijson.items(source, prefix, use_float=True)


class DepthGuard:
    """A read-only binary stream that tracks JSON nesting (outside strings) chunk by chunk.

    The scan is vectorised with numpy (a fraction of the parser's own time). Invalid JSON can
    confuse it only after the first invalid byte, where the parser stops anyway. It also ends
    the stream at a string, or an item (the values ``item_level`` deep), over ``max_bytes``.
    """

    def __init__(
        self,
        raw: IO[bytes],
        what: str,
        max_depth: int,
        item_level: int = 0,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self._raw, self._what, self._max, self._level = raw, what, max_depth, item_level
        self._depth, self._in_string, self._backslashes, self._offset = 0, False, 0, 0
        self._error: JsonLimitError | None = None
        self._strings, self._items = _Run(max_bytes), _Run(max_bytes)

    def read(self, size: int = -1) -> bytes:
        """The next bytes; those before a broken limit are still given (so the parser ends the
        items before it), and the next read raises."""
        if self._error is not None:
            raise self._error
        chunk = self._raw.read(size)
        if chunk:
            broken = self._scan(chunk)
            if broken is not None:
                at, self._error = broken
                if at <= 0:
                    raise self._error
                chunk = chunk[:at]
            self._offset += len(chunk)
        return chunk

    def _scan(self, chunk: bytes) -> tuple[int, JsonLimitError] | None:
        """Follow ``chunk``: where it first breaks a limit (relative to it) and how, if it does."""
        import numpy as np

        kinds = np.frombuffer(chunk.translate(_KINDS), dtype=np.uint8)
        pos = np.flatnonzero(kinds.view(bool))
        end = self._offset + len(chunk)
        if not len(pos):
            self._backslashes = 0
            return self._runs(np, pos, pos.astype(bool), pos.astype(bool), end)
        kind = kinds[pos]
        slash = kind == 2
        before = self._backslashes_before(np, pos, slash, len(chunk) - 1)
        quotes = (kind == 1) & (before % 2 == 0)
        inside = (np.cumsum(quotes) + self._in_string) % 2 == 1
        step = (kind == 3).astype(np.int64) - (kind == 4)
        depth = self._depth + np.cumsum(np.where(inside, 0, step))
        if depth.max() > self._max:
            at = int(pos[np.argmax(depth > self._max)])
            return at, self._limit(f"nests deeper than the limit of {self._max} levels", at)
        self._depth, self._in_string = int(depth[-1]), bool(inside[-1])
        in_item = depth >= self._level if self._level else np.zeros(len(pos), dtype=bool)
        return self._runs(np, pos + self._offset, inside, in_item, end)

    def _runs(
        self, np: Any, offsets: Any, inside: Any, in_item: Any, end: int
    ) -> tuple[int, JsonLimitError] | None:
        for run, flags, what in (
            (self._strings, inside, "a string"),
            (self._items, in_item, "an item"),
        ):
            start = run.over(np, offsets, flags, end)
            if start is not None:
                where = f"has {what} of more than {run.limit} bytes"
                return start + run.limit + 1 - self._offset, self._limit(
                    where, start - self._offset
                )
        return None

    def _limit(self, broken: str, at: int) -> JsonLimitError:
        return JsonLimitError(f"{self._what} {broken} (byte {self._offset + at})")

    def _backslashes_before(self, np: Any, pos: Any, slash: Any, last: int) -> Any:
        """How many backslashes directly precede each significant byte; the run that ends
        the chunk is carried to the next one."""
        k = np.arange(len(pos))
        touching = np.empty(len(pos), dtype=bool)  # right after a backslash
        touching[0] = pos[0] == 0 and self._backslashes > 0
        touching[1:] = (pos[1:] == pos[:-1] + 1) & slash[:-1]
        run_start = np.maximum.accumulate(np.where(slash & ~touching, k, -1))
        run = np.where(run_start < 0, k + 1 + self._backslashes, k - run_start + 1)
        before = np.zeros(len(pos), dtype=np.int64)
        before[0] = self._backslashes if touching[0] else 0
        before[1:] = np.where(touching[1:], run[:-1], 0)
        self._backslashes = int(run[-1]) if slash[-1] and pos[-1] == last else 0
        return before


class _Run:
    """The current run of a condition over a stream (a string, an item), by absolute offsets."""

    def __init__(self, limit: int) -> None:
        self.limit, self.start = limit, -1  # -1: not in a run

    def over(self, np: Any, offsets: Any, flags: Any, end: int) -> int | None:
        """Where a run longer than the limit starts, if one is; ``flags`` is the condition
        after each significant byte at ``offsets``, ``end`` the offset after the chunk."""
        if len(flags):
            was = np.empty(len(flags), dtype=bool)
            was[0], was[1:] = self.start >= 0, flags[:-1]
            starts, ends = offsets[flags & ~was], offsets[~flags & was]
            if self.start >= 0:
                starts = np.concatenate(([self.start], starts))
            lengths = ends - starts[: len(ends)]
            if len(lengths) and lengths.max() > self.limit:
                return int(starts[np.argmax(lengths > self.limit)])
            self.start = int(starts[-1]) if len(starts) > len(ends) else -1
        return self.start if self.start >= 0 and end - self.start > self.limit else None


def _kind_table() -> bytes:
    table = bytearray(256)
    for byte, kind in ((b'"', 1), (b"\\", 2), (b"[", 3), (b"{", 3), (b"]", 4), (b"}", 4)):
        table[byte[0]] = kind
    return bytes(table)


_KINDS = _kind_table()  # byte -> 1 quote, 2 backslash, 3 [ or {, 4 ] or }, 0 anything else
