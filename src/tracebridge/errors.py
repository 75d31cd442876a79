"""The one error root (as sigstore-python's ``errors.py``): services raise a kind of it.

Pure: no Django. A kind says what went wrong in a way both faces understand; the API's one
handler (``tracebridge.api``) turns it into a status and the one JSON error shape, and the
commands' base class (``tracebridge.commands``) into an exit code and one line on stderr.
Every message says what to do next. ``details`` is a list of ``{"field", "message"}`` items
(or other small JSON objects) for the API.
"""

from __future__ import annotations

from typing import Any


class TracebridgeError(ValueError):
    """A request that cannot be carried out, with a message that says what to do.

    Raised bare (as ``agencies.services.ServiceError``, its old name) it means the request is
    invalid. It stays a ``ValueError`` because ServiceError was one: code that catches
    ValueError around a service keeps working.
    """

    code: str = "invalid"

    def __init__(
        self, message: str, details: list[Any] | None = None, *, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[Any] = list(details or [])
        if code is not None:
            self.code = code  # a finer code for one case, e.g. unusable_file


class NotFound(TracebridgeError):
    """No such record, or none the caller may see (the two are not told apart)."""

    code = "not_found"


class Forbidden(TracebridgeError):
    """The caller is known but their role or agency does not allow this."""

    code = "forbidden"


class Conflict(TracebridgeError):
    """The record is in a state that does not allow this now (answered, closed, out of order)."""

    code = "conflict"


class Invalid(TracebridgeError):
    """The input is wrong; ``field`` names the one field at fault (details then name it)."""

    code = "invalid"

    def __init__(
        self,
        message: str,
        details: list[Any] | None = None,
        *,
        field: str | None = None,
        code: str | None = None,
    ) -> None:
        if field is not None and not details:
            details = [{"field": field, "message": message}]
        super().__init__(message, details, code=code)


class Unavailable(TracebridgeError):
    """Something this node depends on (a partner, a store, a service) cannot be reached now."""

    code = "unavailable"


KINDS: tuple[type[TracebridgeError], ...] = (NotFound, Forbidden, Conflict, Invalid, Unavailable)


def kind_of(exc: TracebridgeError) -> type[TracebridgeError]:
    """The kind an error is (a subclass of a kind counts as it); the base itself if none."""
    return next((k for k in KINDS if isinstance(exc, k)), TracebridgeError)
