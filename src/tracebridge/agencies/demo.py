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
NAMES_HI = {
    "US-DOJ-CPB": "अमेरिका का न्याय विभाग, उपभोक्ता संरक्षण शाखा",
    "US-FBI": "अमेरिका की संघीय जाँच एजेंसी (FBI)",
    "US-FTC": "अमेरिका का संघीय व्यापार आयोग (FTC)",
    "IN-CBI": "केंद्रीय अन्वेषण ब्यूरो (CBI)",
    "IN-I4C": "भारतीय साइबर अपराध समन्वय केंद्र (I4C)",
}
# Each country's central authority for formal requests (the 2005 US-India MLAT's): it reads
# its country's requests on the queue and acts on none (assistance.reading.agency_sides).
CENTRAL_AUTHORITIES = [
    ("US-DOJ-OIA", "US", "U.S. Department of Justice, Office of International Affairs",
     "अमेरिका का न्याय विभाग, अंतरराष्ट्रीय मामलों का कार्यालय",
     ("Eleanor Hayes", "Senior Trial Attorney")),
    ("IN-MHA", "IN", "Ministry of Home Affairs (IS-II Division)",
     "गृह मंत्रालय (आंतरिक सुरक्षा-II प्रभाग)", ("Rajesh Iyer", "Under Secretary")),
]  # fmt: skip
CENTRAL_ROLE = "supervisor"  # an official who reviews requests, of no side's agency
ROLE_SUFFIX: dict[str, str] = {
    "viewer": "viewer",
    "analyst": "analyst",
    "supervisor": "supervisor",
    "agency_admin": "admin",
}


# Demo people: certificates and letters name their signer by full name and official title.
PEOPLE: dict[str, tuple[str, ...]] = {
    "US-DOJ-CPB": ("Dana Whitfield", "Mark Ostrowski", "Laura Chen", "Paul Ramirez"),
    "US-FBI": ("Jordan Doe", "Erin McAllister", "Samuel Okafor", "Rachel Stein"),
    "US-FTC": ("Megan Torres", "David Kim", "Alicia Brooks", "Thomas Reed"),
    "IN-CBI": ("Anil Mehra", "Priya Raghavan", "Vikram Singh Rathore", "Sunita Joshi"),
    "IN-I4C": ("Kavita Nair", "Rohit Deshmukh", "Arvind Kumar", "Neha Bansal"),
}
TITLES: dict[str, tuple[str, ...]] = {
    "US-DOJ-CPB": ("Paralegal Specialist", "Trial Attorney", "Assistant Director", "IT Specialist"),
    "US-FBI": ("Intelligence Analyst", "Special Agent", "Supervisory Special Agent", "Unit Chief"),
    "US-FTC": ("Investigator", "Attorney", "Assistant Director", "Data Manager"),
    "IN-CBI": (
        "Sub-Inspector",
        "Inspector",
        "Deputy Superintendent of Police",
        "Superintendent of Police",
    ),
    "IN-I4C": ("Analyst", "Deputy Director", "Director", "Technical Officer"),
}


def username(agency_code: str, role: str) -> str:
    """e.g. fbi.analyst, cbi.supervisor, doj-cpb.admin."""
    return f"{agency_code.split('-', 1)[1].lower()}.{ROLE_SUFFIX[role]}"


def load(ctx: DemoContext) -> None:
    for code, country, name in AGENCIES:
        ctx.agencies[code] = create_agency(code, country, name, NAMES_HI[code])
        for n, role in enumerate(ROLE_SUFFIX):
            user, _ = create_user(
                username(code, role),
                code,
                role,
                password=DEMO_PASSWORD,
                name=PEOPLE[code][n],
                title=TITLES[code][n],
            )
            ctx.users[user.username] = user
    _central_authorities(ctx)
    operator, _ = create_user("operator", "US-DOJ-CPB", "operator", password=DEMO_PASSWORD)
    ctx.users["operator"] = operator
    ctx.note("agencies", len(AGENCIES))
    ctx.note("users", len(ctx.users))


def _central_authorities(ctx: DemoContext) -> None:
    """DOJ's Office of International Affairs and India's Ministry of Home Affairs, one official
    each (e.g. doj-oia.supervisor)."""
    for code, country, name, name_hi, (person, title) in CENTRAL_AUTHORITIES:
        ctx.agencies[code] = create_agency(code, country, name, name_hi, central_authority=True)
        user, _ = create_user(
            username(code, CENTRAL_ROLE), code, CENTRAL_ROLE, password=DEMO_PASSWORD,
            name=person, title=title,
        )  # fmt: skip
        ctx.users[user.username] = user
