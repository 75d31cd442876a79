"""Federation's readers of outside JSON (TAXII POST, a partner's pages, listing and bundle
files) answer a hostile document with an error that names the limit, never a crash."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.sharing.test_taxii import TAXII, _collection_url, _taxii_error
from tracebridge.agencies.services import issue_token
from tracebridge.sharing import signing, stix
from tracebridge.sharing.sync import SyncError, add_partner, import_bundle_file, pull

DEEP = "[" * 100 + "]" * 100  # past the limit of 64, yet short of Python's recursion limit
HUGE = "9" * 5001  # past the 4,300 digits int() converts


@pytest.mark.django_db
def test_taxii_post(live_server: Any, agreement_factory: Any, make_user: Any) -> None:
    inbound = agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")
    token = issue_token(make_user("analyst", "IN-CBI"), "push").secret
    headers = {"Authorization": f"Bearer {token}", "Accept": TAXII, "Content-Type": TAXII}
    url = _collection_url(live_server, inbound) + "objects/"
    cases = [
        (f'{{"objects": [{{"type": "note", "x": {DEEP}}}]}}', "The body nests deeper than the "
         "limit of 64 levels."),
        (f'{{"objects": [{{"amount": {HUGE}}}]}}', "The body has an integer of 5001 digits, "
         "over the limit of 40."),
        ('{"objects": [{"amount": NaN}]}', "NaN is not a JSON value (RFC 8259 §6)."),
    ]  # fmt: skip
    for body, description in cases:
        response = requests.post(url, data=body.encode(), headers=headers, timeout=30)
        _taxii_error(response, 400)
        assert response.json()["description"] == description


@pytest.fixture
def hostile_partner() -> Iterator[str]:
    """A loopback 'partner' whose collection listing is nested 100 deep."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f'{{"collections": {DEEP}}}'.encode()
            self.send_response(200)
            self.send_header("Content-Type", TAXII)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/taxii2/root/"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_sync_pull_and_bundle_file(hostile_partner: str, agencies: Any) -> None:
    key = signing.load_node_key()
    partner = add_partner("hostile", hostile_partner, "t", signing.public_key_text(key), ["US-FBI"])
    listing = r"http://127\.0\.0\.1:\d+/taxii2/root/collections/"
    refusal = r": HTTP 200: the answer nests deeper than the limit of 64 levels"
    with pytest.raises(SyncError, match=listing + refusal):
        pull(partner)
    body = f'{{"type": "bundle", "id": "bundle--1", "objects": [{{"n": {HUGE}}}]}}'.encode()
    with pytest.raises(stix.StixError, match="the bundle file has an integer of 5001 digits"):
        import_bundle_file(partner, body, signing.sign_file(key, body))
