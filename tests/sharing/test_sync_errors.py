"""`sync pull` against a partner URL that answers something other than TAXII JSON.

A real loopback HTTP server plays the broken partner (a proxy's login page, a gateway error).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tracebridge.agencies.models import AuditEvent
from tracebridge.node.cli import main
from tracebridge.sharing.sync import add_partner

KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="  # any Ed25519 public key will do
HTML = b"<!doctype html><html><body>Please sign in to the proxy</body></html>"


class _Html(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(HTML)))
        self.end_headers()
        self.wfile.write(HTML)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def html_partner(request: pytest.FixtureRequest, agencies: Any) -> Iterator[str]:
    handler = type("Handler", (_Html,), {"status": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root = f"http://127.0.0.1:{server.server_address[1]}/taxii2/root/"
    add_partner("proxy", root, "tb_x_y", KEY, ["IN-CBI"])
    yield root
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("html_partner", "reason"),
    [
        (200, "HTTP 200: the answer is not a TAXII JSON object (text/html)"),
        (502, "HTTP 502 (text/html)"),
    ],
    indirect=["html_partner"],
)
def test_pull_from_an_html_answer_fails_clearly(
    html_partner: str, reason: str, capsys: pytest.CaptureFixture[str], in_process_cli: None
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["sync", "pull", "--partner", "proxy"])
    assert exit_.value.code == 1
    url = html_partner + "collections/"
    assert f"{url}: {reason}" in capsys.readouterr().err
    event = AuditEvent.objects.get(action="sync.rejected")
    assert (event.outcome, event.detail["url"], event.detail["reason"]) == ("denied", url, reason)


@pytest.mark.django_db
def test_a_partner_without_a_url_takes_files_only(
    agencies: Any, capsys: pytest.CaptureFixture[str], in_process_cli: None
) -> None:
    main(["partner", "add", "--name", "in-files", "--key", KEY, "--agencies", "IN-CBI"])
    assert "partner in-files: files only (IN-CBI)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["sync", "pull", "--partner", "in-files"])
    assert exit_.value.code == 1
    assert "in-files has no URL (only files travel)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["partner", "add", "--name", "x", "--url", "https://x.example/taxii2/root/",
              "--key", KEY, "--agencies", "IN-CBI"])  # fmt: skip
    assert "--token is needed with --url" in capsys.readouterr().err
