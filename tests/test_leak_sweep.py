"""The leak sweep (issue 21): every route of the URL map and of the OpenAPI, walked as each role
of each agency and anonymously, must not show a canary to anyone it is not meant for.

The routes are enumerated, not listed: a new route is swept as soon as it exists. A route whose
parameters the sweep cannot fill fails ``test_every_route_is_swept`` with its name, unless
SKIP names it with a reason. How to add a route: docs/api.md, "The leak sweep".
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.leak_world import (
    ANONYMOUS,
    CAMPAIGN_SIZE,
    OWNER,
    ROLES,
    World,
    build,
)

IDENTITIES = [f"{code.lower()}-{role}" for code in ("US-FBI", "IN-CBI", "US-FTC") for role in ROLES]
IDENTITIES += ["node-operator", ANONYMOUS]
OWNER_ANALYST = "us-fbi-analyst"
# Canaries no page shows even to their owner (so the control does not expect them).
NOT_SHOWN: set[str] = set()
OWNER_SEES = CAMPAIGN_SIZE - 1  # every member but IN-CBI's own complaint, which it does not share

# URL parameter -> which seeded values fill it; (route name, parameter) first, then the name.
BY_ROUTE = {
    ("case-detail", "reference"): "case",
    ("case-action", "reference"): "case",
    ("evidence-upload", "reference"): "case",
    ("evidence-package", "reference"): "case",
    ("evidence-case-uco", "reference"): "case",
    ("evidence-custody", "reference"): "case",
    ("evidence-item", "reference"): "evidence",
    ("evidence-download", "reference"): "evidence",
    ("evidence-consent", "reference"): "evidence",
    ("money-hold", "reference"): "hold",
    ("telecom-traceback-detail", "reference"): "traceback",
    ("api:get_hold", "reference"): "hold",
    ("api:answer_hold", "reference"): "hold",
    ("api:get_traceback", "reference"): "traceback",
    ("api:answer_hop", "reference"): "traceback",
    ("request-detail", "reference"): "request",
    ("request-step", "reference"): "request",
    ("api:show_request", "reference"): "request",
    ("request-answer", "reference"): "request",
    ("request-letter", "reference"): "request",
    ("api:request_letter", "reference"): "request",
    ("api:case_provenance", "reference"): "case",
    ("api:answer_request", "reference"): "request",
    ("complaint-attachment", "attachment_id"): "attachment",
}
BY_NAME = {
    "pk": "complaint",
    "complaint_id": "complaint",
    "code": "campaign",
    "campaign_id": "robocall",
    "agreement_id": "agreement",
    "collection_id": "collection",
    "object_id": "stix",
    "status_id": "nothing-uuid",
    "slug": "learn",
    "action": "case-action",
    "follow_id": "nothing-int",
    "search_id": "nothing-int",
    "link_id": "nothing-int",  # a soft link: the sweep world has no money trail, so none
    "position": "hop",
    "username": "username",
    "prefix": "token-prefix",
    "rest": "nothing-path",
    "kind": "request-kind",
    "package": "nothing-sha",
    "chunk": "nothing-sha",
}
# Query strings that make a route show records: searches for canary identifiers and the like.
QUERIES: dict[str, list[dict[str, str]]] = {
    "campaign-search": [{"q": "red-phone"}, {"q": "campaign"}],
    "api:search": [{"q": "red-phone"}, {"q": "campaign"}],
    "complaint-list": [{"identifier": "red-phone"}],
    "api:list_complaints": [{"identifier": "red-phone"}],
    "money-registry": [{"q": "account"}],
    "api:registry_lookup": [{"q": "account"}],
    "money-trails": [{"q": "red-reference"}],
    "api:trace": [{"complaint": "red-reference"}],
    "check": [{"q": "red-phone"}],
    "api:public_check": [{"q": "red-phone"}],
    "api:explain": [{"a": "clear-reference", "b": "red-reference"}],
    "case-new": [{"campaign": "campaign"}],
    "campaign-list": [{"format": "csv"}],  # the export: the reader's figures only
}
# POST bodies that name canary records; every other non-GET operation gets "{}".
BODIES: dict[str, dict[str, Any]] = {
    "api:create_holds": {"complaint": "red-reference"},
    "api:open_traceback": {"call_id": "call-RED"},
    "api:create_follow": {"kind": "identifier", "target": "red-phone"},
}
UNNAMED = "<unnamed>"
# Routes whose parameters the sweep may leave unfilled (it still walks those it can fill).
SKIP = {
    "admin:*": "the Django admin's object pages (and its unnamed redirects to them): it registers only the agencies app (agencies, "
    "users, tokens, audit), which staff without model permissions cannot open; the operator's "
    "audit view is node-wide by design; its index and lists are swept",
}


@dataclass(frozen=True)
class Target:
    route: str
    method: str
    url: str
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}".strip(":") if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            # An unnamed route cannot be reversed: it gets a label for the failure message.
            name = f"{ns}:{p.name or UNNAMED}".strip(":")
            yield name, p


def _skipped(name: str) -> bool:
    return any(_matches(key, name) for key in SKIP)


def _values(world: World, route: str, param: str) -> list[str]:
    kind = BY_ROUTE.get((route, param)) or BY_NAME.get(param)
    if kind is None:
        raise LookupError(f"{route}: no values for URL parameter <{param}>")
    fixed = {
        "nothing-uuid": [str(uuid.UUID(int=7))],
        "nothing-int": ["999999"],
        "nothing-path": ["root/nothing/"],
        "learn": [Path(p).stem for p in _learn_topics()][:1],
        "case-action": ["note"],
        "hop": ["0"],
        "request-kind": ["preservation"],
        "nothing-sha": ["0" * 64],
    }
    if kind in fixed:
        return fixed[kind]
    if kind == "complaint":
        return [world.ids[f"complaint-{t}"][0] for t in ("GREEN", "AMBER", "AMBER+STRICT", "RED")]
    if kind in ("username", "token-prefix"):  # one user of each agency, and the operator
        return world.ids[kind][1::4]
    return world.ids[kind]


def _learn_topics() -> list[Path]:
    import tracebridge.portal

    return sorted((Path(tracebridge.portal.__file__).parent / "content" / "en").glob("*.md"))


def _fill(world: World, route: str, params: list[str]) -> list[dict[str, str]]:
    fillings: list[dict[str, str]] = [{}]
    for param in params:
        fillings = [dict(f, **{param: v}) for f in fillings for v in _values(world, route, param)]
    return fillings


def _fill_or_note(
    world: World, route: str, params: list[str], unfilled: list[str]
) -> list[dict[str, str]]:
    """The route's fillings; none when a parameter has no values (noted unless SKIPped)."""
    try:
        return _fill(world, route, params)
    except LookupError as exc:
        if not _skipped(route):
            unfilled.append(str(exc))
        return []


def _query_values(world: World, query: dict[str, str]) -> dict[str, str]:
    named = {
        "red-phone": "+12025557305",
        "red-reference": world.ids["reference-RED"][0],
        "clear-reference": world.ids["reference-CLEAR"][0],
        "campaign": world.ids["campaign"][0],
        "account": world.ids["account"][0],
    }
    return {k: named.get(v, v) for k, v in query.items()}


def url_map_targets(world: World) -> tuple[list[Target], list[str]]:
    targets, unfilled = [], []
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.endswith(UNNAMED):
            if not _skipped(name):
                unfilled.append(f"a route without a name cannot be swept: {pattern.pattern}")
            continue
        params = list(pattern.pattern.regex.groupindex)
        for kwargs in _fill_or_note(world, name, params, unfilled):
            url = reverse(name, kwargs=kwargs)
            targets.append(Target(name, "GET", url))
            targets += [
                Target(name, "GET", url, _query_values(world, q)) for q in QUERIES.get(name, [])
            ]
    return targets, unfilled


def openapi_targets(world: World) -> tuple[list[Target], list[str]]:
    from tracebridge.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    targets, unfilled = [], []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            name = "api:" + op["operationId"].rsplit("_api_", 1)[1]
            required = [
                p["name"] for p in op.get("parameters", []) if p["in"] == "query" and p["required"]
            ]
            queries = QUERIES.get(name, [{}] if not required else [])
            if not queries:
                unfilled.append(f"{name}: no values for required query {required}")
                continue
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            fillings = _fill_or_note(world, name, params, unfilled)
            body = _query_values(world, BODIES.get(name, {})) if method != "get" else None
            targets += [
                Target(name, method.upper(), path.format(**kwargs), _query_values(world, q), body)
                for kwargs in fillings
                for q in queries
            ]
    return targets, unfilled


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    from django.test import override_settings

    home = tmp_path_factory.mktemp("sweep-home")
    with django_db_blocker.unblock(), override_settings(HOME=home), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.fixture
def _home(world: World) -> None:
    """Overrides the suite's per-test home: the world's evidence blobs stay readable."""


def _client(world: World, identity: str) -> Client:
    client = Client()
    if identity != ANONYMOUS:
        client.force_login(world.users[identity])
    return client


def _call(client: Client, world: World, identity: str, target: Target) -> Any:
    headers = {}
    if identity != ANONYMOUS:
        headers["Authorization"] = f"Bearer {world.tokens[identity]}"
    if target.url.startswith("/taxii2/"):
        headers["Accept"] = "application/taxii+json;version=2.1"
    if target.method == "GET":
        return client.get(target.url, target.query, headers=headers)
    url = f"{target.url}?{urlencode(target.query)}" if target.query else target.url
    with transaction.atomic():  # a write is answered, then undone: the world stays the same
        response = client.generic(
            target.method, url, json.dumps(target.body), "application/json", headers=headers
        )
        transaction.set_rollback(True)
    return response


def _text(response: Any, target: Target) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode("utf-8", "replace")
    if response.get("Content-Type", "") == "application/pdf":
        text += "\n" + _pdf_text(raw)
    sent = [*target.query.values(), *(target.body or {}).values()]
    for value in sent:  # the caller's own query, echoed, is not a leak
        for spelling in (value, quote_plus(value), quote(value)):
            text = text.replace(spelling, "")
    return text


def _pdf_text(raw: bytes) -> str:
    """A PDF's text (its streams are compressed: the bytes never show a canary), read by
    poppler's pdftotext (README, .ci/run), its line breaks and runs of spaces made one space;
    nothing for bytes that are not a PDF (an attachment's, swept as they are)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=raw, capture_output=True)
    return " ".join(done.stdout.decode("utf-8", "replace").split()) if done.returncode == 0 else ""


def _json_figures(data: Any, path: str = "") -> Iterator[tuple[str, int]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _json_figures(v, f"{path}.{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _json_figures(v, f"{path}[{i}]")
    elif isinstance(data, int) and not isinstance(data, bool):
        yield path, data


# Record ids are not figures: a JSON key or CSV column named id or *_id (an audit event's
# object_id is a primary key, which on PostgreSQL may happen to equal the campaign's size).
ID_COLUMN = re.compile(r"(^|_|\.)id$")
# Pages that list audit events show record ids in cells: their string canaries are checked,
# their numbers are not taken for campaign figures.
ID_PAGES = ("admin:agencies_auditevent_changelist",)


def _figures(response: Any, text: str, size: int = CAMPAIGN_SIZE) -> list[str]:
    """Where a campaign size of ``size`` shows (by default over every member, RED included)."""
    if response.get("Content-Type", "").split(";")[0].endswith("json"):
        try:
            data = json.loads(text)
        except ValueError:
            return []
        return [
            f"size {v} at {p}"
            for p, v in _json_figures(data)
            if v == size and not ID_COLUMN.search(p)
        ]
    if response.get("Content-Type", "").startswith("text/csv"):
        return [
            f"size {size} in CSV column {column!r}"
            for row in csv.DictReader(io.StringIO(text))
            for column, value in row.items()
            if value == str(size) and not ID_COLUMN.search(column or "")
        ]
    return [f"size {m.group(0)}" for m in re.finditer(rf">\s*{size}\s*<", text)]


def _agency(identity: str) -> str:
    if identity == ANONYMOUS:
        return ""
    return "US-FTC" if identity == "node-operator" else identity.rsplit("-", 1)[0].upper()


def _matches(key: str, name: str) -> bool:
    return name == key or (key.endswith("*") and name.startswith(key[:-1]))


def test_a_letter_is_swept_as_its_text(world: World, db: None) -> None:
    """The request letter's PDF holds the request's canaries only in compressed streams."""
    url = reverse("request-letter", kwargs={"reference": world.ids["request"][0]})
    response = _client(world, OWNER_ANALYST).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    canary = next(c.text for c in world.canaries if c.what == "request facts")
    assert canary.encode() not in response.content
    assert canary in _text(response, Target("request-letter", "GET", url))


def test_every_route_is_swept(world: World, db: None) -> None:
    names = [name for name, _ in _walk(get_resolver().url_patterns)]
    stale = [k for k in SKIP if not any(_matches(k, n) for n in names)]
    assert stale == [], "SKIP names routes that no longer exist"
    assert sorted(set(ID_PAGES) - set(names)) == [], "ID_PAGES names routes that no longer exist"
    _, unfilled_map = url_map_targets(world)
    _, unfilled_api = openapi_targets(world)
    assert unfilled_map + unfilled_api == [], "fill these routes' parameters or SKIP them"


def _targets(world: World) -> list[Target]:
    unique = {
        (t.method, t.url, json.dumps(t.query), json.dumps(t.body)): t
        for t in url_map_targets(world)[0] + openapi_targets(world)[0]
    }  # the API's GET routes are in both lists
    # Plain pages first: the audit pages must not show the canary queries this sweep sends.
    return sorted(unique.values(), key=lambda t: (bool(t.query) or t.method != "GET", t.url))


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_canary_reaches_anyone_it_is_not_meant_for(
    world: World, db: None, identity: str
) -> None:
    agency = _agency(identity)
    hidden = [c for c in world.canaries if agency not in c.seen_by]
    shown = [c for c in world.canaries if agency in c.seen_by]
    client = _client(world, identity)
    leaks: list[str] = []
    seen: set[str] = set()
    for target in _targets(world):
        response = _call(client, world, identity, target)
        assert response.status_code < 500, (target, response.content[:300])
        text = _text(response, target)
        where = f"{target.method} {target.url} {target.query or ''}".rstrip()
        leaks += [f"{where}: {c.what} ({c.text!r})" for c in hidden if c.text in text]
        seen |= {c.what for c in shown if c.text in text}
        if target.route in ID_PAGES:
            continue
        if agency != OWNER:
            leaks += [f"{where}: {leak}" for leak in _figures(response, text)]
        elif _figures(response, text, OWNER_SEES):
            seen.add("campaign size")
    assert leaks == [], f"{identity} sees {len(leaks)} canaries:\n" + "\n".join(sorted(set(leaks)))
    if identity == OWNER_ANALYST:  # the control: the owner sees every canary somewhere
        expected = {c.what for c in shown} | {"campaign size"}
        assert sorted(expected - seen - NOT_SHOWN) == []
