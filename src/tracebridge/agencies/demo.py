"""Demo agencies of the reference pair and one user per role in each."""

from __future__ import annotations

from tracebridge.agencies.services import create_agency, create_user
from tracebridge.demo import DEMO_PASSWORD, DemoContext

AGENCIES = [
    ("US-DOJ-CPB", "US", "U.S. Department of Justice, Consumer Protection Branch"),
    ("US-FBI", "US", "Federal Bureau of Investigation"),
    ("US-FTC", "US", "Federal Trade Commission"),
    ("IN-CBI", "IN", "Central Bureau of Investigation"),
    ("IN-I4C", "IN", "Indian Cyber Crime Coordination Centre"),
]
ROLE_SUFFIX: dict[str, str] = {
    "viewer": "viewer",
    "analyst": "analyst",
    "supervisor": "supervisor",
    "agency_admin": "admin",
}


def username(agency_code: str, role: str) -> str:
    """e.g. fbi.analyst, cbi.supervisor, doj-cpb.admin."""
    return f"{agency_code.split('-', 1)[1].lower()}.{ROLE_SUFFIX[role]}"


def load(ctx: DemoContext) -> None:
    for code, country, name in AGENCIES:
        ctx.agencies[code] = create_agency(code, country, name)
        for role in ROLE_SUFFIX:
            user, _ = create_user(username(code, role), code, role, password=DEMO_PASSWORD)
            ctx.users[user.username] = user
    operator, _ = create_user("operator", "US-DOJ-CPB", "operator", password=DEMO_PASSWORD)
    ctx.users["operator"] = operator
    ctx.note("agencies", len(AGENCIES))
    ctx.note("users", len(ctx.users))
