"""An agency admin's pages: people (create, change role, deactivate) and API tokens.

Every change is audited by the service it calls; a secret (a new user's password, a new
token) is shown once, on the page the POST redirects to, then dropped from the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracebridge.agencies import audit, services
from tracebridge.agencies.forms import TokenCreateForm, UserCreateForm
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.models import ApiToken, User
from tracebridge.agencies.permissions import require_role

SHOW_ONCE = "tracebridge.show_once"


def _people(admin: User) -> QuerySet[User]:
    users = User.objects.select_related("agency").order_by("username")
    return users if admin.is_operator else users.filter(agency_id=admin.member_agency_id)


def _created(
    request: SignedInRequest, form: Any, create: Callable[[dict[str, Any]], dict[str, str]]
) -> None:
    """A POST of a create form: ``create`` the record from it, or say why not.

    ``create`` returns the secret to show once on the page the POST redirects to.
    """
    if not form.is_valid():
        messages.error(request, _("Not created: %(e)s") % {"e": form.errors.as_text()})
        return
    try:
        request.session[SHOW_ONCE] = create(form.cleaned_data)
    except services.ServiceError as exc:
        messages.error(request, str(exc))


def _page(request: SignedInRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """An admin page, with the secret a create left to show once (then dropped)."""
    return render(request, template, {**context, "once": request.session.pop(SHOW_ONCE, None)})


@login_required
def users(request: SignedInRequest) -> HttpResponse:
    require_role(request, "agency_admin")
    form = UserCreateForm(request.POST or None, roles=services.grantable_roles(request.user))
    if request.method == "POST":
        _created(request, form, lambda data: _create_user(request, data))
        return redirect("agency-users")
    audit.record("user.list", request=request, object_type="user")
    return _page(request, "agencies/users.html", {"people": _people(request.user), "form": form})


def _create_user(request: SignedInRequest, data: dict[str, Any]) -> dict[str, str]:
    user, password = services.create_user_by(
        request.user,
        data["username"],
        data["role"],
        name=data["name"],
        title=data["title"],
        email=data["email"],
    )
    return {"label": user.username, "secret": password}


@login_required
@require_POST
def user_change(request: SignedInRequest, username: str) -> HttpResponse:
    require_role(request, "agency_admin")
    person = _people(request.user).filter(username=username).first()
    action = request.POST.get("action", "")
    try:
        if person is None:
            raise services.ServiceError(f"{username} is not a user of your agency")
        if action == "role":
            services.change_role(request.user, person, request.POST.get("role", ""))
        elif action in ("deactivate", "activate"):
            services.set_active(request.user, person, action == "activate")
        else:
            raise services.ServiceError("action must be role, deactivate or activate")
        messages.success(request, _("%(user)s updated.") % {"user": username})
    except services.ServiceError as exc:
        audit.record("user.change", request=request, object_type="user", object_id=username,
                     outcome="denied", reason=str(exc))  # fmt: skip
        messages.error(request, str(exc))
    return redirect("agency-users")


@login_required
def tokens(request: SignedInRequest) -> HttpResponse:
    require_role(request, "agency_admin")
    people = _people(request.user).filter(is_active=True)
    form = TokenCreateForm(request.POST or None, usernames=[p.username for p in people])
    if request.method == "POST":
        _created(request, form, lambda data: _issue_token(request, people, data))
        return redirect("agency-tokens")
    listed = (
        ApiToken.objects.filter(user__in=_people(request.user))
        .select_related("user")
        .order_by("-created_at")
    )
    audit.record("token.list", request=request, object_type="apitoken")
    context = {"tokens": listed, "form": form, "now": timezone.now()}
    return _page(request, "agencies/tokens.html", context)


def _issue_token(
    request: SignedInRequest, people: QuerySet[User], data: dict[str, Any]
) -> dict[str, str]:
    issued = services.issue_token(
        people.get(username=data["user"]),
        data["name"],
        scopes=data["scopes"],
        expires_at=timezone.now() + dt.timedelta(days=data["expires_in_days"]),
        by=request.user,
    )
    return {"label": data["name"], "secret": issued.secret}


@login_required
@require_POST
def token_revoke(request: SignedInRequest, prefix: str) -> HttpResponse:
    require_role(request, "agency_admin")
    token = ApiToken.objects.filter(prefix=prefix, user__in=_people(request.user)).first()
    if token is None:
        audit.record("token.revoke", request=request, object_type="apitoken", object_id=prefix,
                     outcome="denied")  # fmt: skip
        messages.error(request, _("No such token in your agency."))
    else:
        services.revoke_token(prefix, by=request.user)
        messages.success(request, _("Token %(p)s revoked.") % {"p": prefix})
    return redirect("agency-tokens")
