from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracebridge.agencies.models import Agency, ApiToken, User
from tracebridge.agencies.services import user_for_token


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_agency_user_token_lifecycle(db: None) -> None:
    assert "IN-CBI\tIN" in run("agency", "create", "in-cbi", "--country", "in", "--name", "CBI")
    assert Agency.objects.get(code="IN-CBI").country == "IN"
    out = run("user", "create", "asha", "--agency", "IN-CBI", "--role", "analyst")
    assert "password (shown once):" in out
    secret = run("token", "create", "--user", "asha", "--name", "bank feed").strip()
    assert secret.startswith("tb_")
    assert user_for_token(secret) == User.objects.get(username="asha")
    assert ApiToken.objects.get().digest != secret  # only the hash is stored
    prefix = secret.split("_")[1]
    assert f"{prefix}\tasha\tbank feed\tactive" in run("token", "list")
    run("token", "revoke", prefix)
    assert user_for_token(secret) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("user", "create", "x", "--agency", "NOPE", "--role", "analyst"), "no agency with code"),
        (("agency", "create", "X", "--country", "USA", "--name", "n"), "alpha-2"),
        (("token", "create", "--user", "ghost"), "no user 'ghost'"),
        (("token", "revoke", "abc"), "no token with prefix"),
    ],
)
def test_bad_arguments_say_what_to_do(db: None, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_central_authority_is_set_kept_and_cleared(db: None) -> None:
    made = run(
        "agency", "create", "in-mha", "--country", "IN", "--name", "MHA", "--central-authority"
    )
    assert made == "IN-MHA\tIN\tMHA\tcentral authority\n"
    run("agency", "create", "in-mha", "--country", "IN", "--name", "Ministry of Home Affairs")
    assert Agency.objects.get(code="IN-MHA").central_authority  # not given: kept
    assert "IN-MHA\tIN\tMinistry of Home Affairs\tcentral authority" in run("agency", "list")
    run("agency", "create", "in-mha", "--country", "IN", "--name", "M", "--no-central-authority")
    assert not Agency.objects.get(code="IN-MHA").central_authority
    assert "central authority" not in run("agency", "list")
