"""The request type of a signed-in page or API route, for the type checker.

Django types ``request.user`` as ``User | AnonymousUser``. Behind ``login_required`` (and the
API's authentication) it is always a ``User``: views annotate their request as
``SignedInRequest`` so that what they pass to services is typed as it is, as django-stubs
recommends. Nothing changes at run time; Django still builds an ``HttpRequest``.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from tracebridge.agencies.models import User


class SignedInRequest(HttpRequest):
    user: User
    # Set by the API's and TAXII's authentication (``signed_in``): the user the credentials name.
    auth_user: User


def signed_in(request: HttpRequest, user: User) -> SignedInRequest:
    """Record on ``request`` the user its credentials name (an API token's, HTTP basic's or the
    session's) as ``auth_user``; the same request, typed as signed in from here on."""
    request.auth_user = user  # type: ignore[attr-defined]  # Django's way: set on the request
    return cast(SignedInRequest, request)
