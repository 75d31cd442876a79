"""tracebridge.jsonlimits: outside JSON within bounds, one error naming the limit."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import ijson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import assert_error
from tracebridge import jsonlimits
from tracebridge.jsonlimits import JsonInputError, Limits
from tracebridge.telecom import shaken

DEEP = b"[" * 200_000 + b"]" * 200_000  # 400 KB: the document that took an import to 23 GB


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" + b"9" * 5001 + b"]", "an integer of 5001 digits, over the limit of 40"),
        (b'{"a": -' + b"1" * 41 + b"}", "an integer of 41 digits"),
        (DEEP, "nests deeper than the limit of 64 levels"),
        (b"[" * 65 + b"]" * 65, "nests deeper than the limit of 64 levels"),
        (b'{"amount": NaN}', "NaN is not a JSON value"),
        (b"[Infinity]", "Infinity is not a JSON value"),
        (b"{not json", "is not JSON"),
        (b"\xff\xfe", "is not JSON"),
    ],
)
def test_refusals_name_the_limit(data: bytes, message: str) -> None:
    with pytest.raises(JsonInputError, match=message) as info:
        jsonlimits.loads(data, "the body")
    assert str(info.value).startswith("the body ") or "JSON value" in str(info.value)


def test_within_the_limits() -> None:
    nested: Any = 1
    for _ in range(63):
        nested = [nested]
    data = json.dumps({"n": 10**39, "x": nested, "f": 1e300}).encode()
    assert jsonlimits.loads(data)["n"] == 10**39
    with pytest.raises(JsonInputError, match="has 5 bytes, over the limit of 4"):
        jsonlimits.loads(b"[1,2]", "the body", Limits(max_bytes=4))
    with pytest.raises(JsonInputError, match="limit of 2 levels"):
        jsonlimits.loads(b"[[[1]]]", limits=Limits(max_depth=2))


def test_guard_stops_a_deep_stream_at_its_first_chunk() -> None:
    source = io.BytesIO(b'{"objects": [' + DEEP + b"]}")
    with pytest.raises(JsonInputError, match=r"the bundle nests deeper .* \(byte 75\)"):
        list(jsonlimits.items(source, "objects.item", "the bundle"))
    # byte 75: the 65th opening bracket (the bundle, the list, then 63 of the deep ones)
    assert source.tell() <= 64 * 1024  # raised on the first chunk, before ijson parsed it


@pytest.mark.parametrize(
    ("tail", "kept", "message"),
    [
        ('{"b": "' + "y" * 500 + '"}', 1, "has a string of more than 100 bytes (byte 31)"),
        ('"' + "z" * 500 + '"', 1, "has a string of more than 100 bytes (byte 25)"),
        ('{"b": [' + "1," * 80 + "1]}", 1, "has an item of more than 100 bytes (byte 25)"),
        ('{"b": [' + "1," * 40 + "1]}", 2, ""),
    ],
)
def test_streamed_items_and_strings_are_bounded(tail: str, kept: int, message: str) -> None:
    data = ('{"objects": [{"a": "x"}, ' + tail + "]}").encode()
    guard = jsonlimits.DepthGuard(io.BytesIO(data), "the bundle", 64, 3, max_bytes=100)
    found: list[Any] = []
    try:
        found.extend(ijson.items(guard, "objects.item"))
    except JsonInputError as exc:
        assert str(exc) == f"the bundle {message}"
    else:
        assert not message
    assert len(found) == kept and found[0] == {"a": "x"}


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


TRICKY = st.sampled_from(['a"b', "x\\", "[{", '}]\\"', "\\\\", '\\\\\\"[', ""])
DOCS = st.recursive(
    st.none() | st.integers() | TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY, inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(DOCS, st.integers(min_value=1, max_value=9))
def test_guard_measures_depth_exactly_across_any_chunking(doc: Any, chunk: int) -> None:
    data, depth = json.dumps(doc).encode(), _depth(doc)
    for limit, passes in ((depth, True), (depth - 1, False)):
        if limit < 0:
            continue
        guard = jsonlimits.DepthGuard(io.BytesIO(data), "x", limit)
        try:
            while guard.read(chunk):
                pass
        except JsonInputError:
            assert not passes
        else:
            assert passes


def test_guarded_items_equal_ijson_items() -> None:
    doc = {"objects": [{"a": ['x\\"]', {"b": [1, 2]}]}, {"c": "{[\\\\"}]}
    data = json.dumps(doc).encode()
    plain = list(ijson.items(io.BytesIO(data), "objects.item", use_float=True))
    assert list(jsonlimits.items(io.BytesIO(data), "objects.item")) == plain == doc["objects"]


# --- readers outside federation (tests/sharing/test_json_limits.py has TAXII and sync) ---
BODY_DEEP = "[" * 100 + "]" * 100  # past the limit, short of Python's recursion limit
HUGE = "9" * 5001


def test_api_body(api_for: Any, make_user: Any) -> None:
    api = api_for(make_user("analyst", "US-FBI"))
    url = "/api/v1/shaken/verify"
    for body, limit in (
        (f'{{"identity": "x", "n": {BODY_DEEP}}}', "64 levels"),
        (HUGE, "5001 digits"),
    ):
        response = api.client.post(url, body, content_type="application/json", headers=api.headers)
        error = assert_error(response, 400, "bad_request")
        assert error["message"].startswith("Cannot parse request body: the body ")
        assert limit in error["message"]


def test_passport_with_a_deep_header() -> None:
    header = json.dumps({"alg": "ES256", "x": json.loads(BODY_DEEP)}).encode()
    part = base64.urlsafe_b64encode(header).decode().rstrip("=")
    report = shaken.verify_report(shaken.Verifier(), f"{part}.e30.AAAA")
    assert report["error"]["step"] == "jws"
    assert "the header nests deeper than the limit of 64 levels" in report["error"]["found"]
