"""The reply readers and the bounded clock, on their own (no server): each check can fail."""

from __future__ import annotations

import pytest

from app.domain.hlc import MAX_AHEAD_MS, MAX_COUNTER, MAX_WALL_MS, Hlc, HybridClock, correction_for
from sync.errors import HubReplyError, NoProgressError
from sync.protocol import ChangesResponse, PushResponse
from sync.pull import MAX_CURSOR, check_page
from sync.replies import MAX_JSON_DEPTH, hub_error_code, json_depth, parse_json, wire_model

HUB = {"X-Motcua-Protocol": "1"}


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(b"[" * 500 + b"]" * 500) == 500


def test_deep_or_broken_json_is_a_reply_error_not_a_crash():
    with pytest.raises(HubReplyError, match="deeper"):
        parse_json(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "t")
    with pytest.raises(HubReplyError, match="not JSON"):
        parse_json(b"{nope", "t")
    with pytest.raises(HubReplyError, match="wrong shape"):
        wire_model(b'{"stored": "all"}', PushResponse, "push")
    assert wire_model(b'{"stored": ["a"]}', PushResponse, "push").stored == ["a"]


@pytest.mark.parametrize(
    ("status", "headers", "body", "code"),
    [
        (404, HUB, b'{"detail": {"code": "not_found", "message": "x"}}', "not_found"),
        (404, {}, b'{"detail": {"code": "not_found", "message": "x"}}', None),  # no hub header
        (404, HUB, b'{"detail": "Not Found"}', None),  # FastAPI's default: not an ErrorBody
        (403, HUB, b'{"detail": {"code": "made_up", "message": "x"}}', None),  # unknown code
        (422, HUB, b'{"detail": [{"loc": ["body"], "msg": "bad", "type": "x"}]}', "validation"),
        (400, HUB, b'{"detail": [{"loc": ["body"], "msg": "bad", "type": "x"}]}', None),
        (403, HUB, b"<html>Forbidden</html>", None),
    ],
)
def test_only_the_hubs_own_refusal_shape_counts(status, headers, body, code):
    assert hub_error_code(status, headers, body) == code


def test_a_page_no_hub_would_send_is_refused():
    def page(cursor: int, seqs: list[int], more: bool = False) -> ChangesResponse:
        changes = [{"seq": s, "kind": "catalog", "document": {}} for s in seqs]
        return ChangesResponse.model_validate({"changes": changes, "cursor": cursor, "has_more": more})

    check_page(page(5, [4, 5]), 3)
    for bad in (page(MAX_CURSOR + 1, []), page(2, []), page(5, [3]), page(5, [5, 4]), page(5, [6])):
        with pytest.raises(HubReplyError):
            check_page(bad, 3)
    with pytest.raises(NoProgressError, match="advancing"):
        check_page(page(3, [], more=True), 3)


def test_the_bounded_clock_adopts_no_far_future_stamp_and_never_overflows():
    wall = 1_800_000_000_000
    clock = HybridClock(wall=lambda: wall, max_ahead_ms=MAX_AHEAD_MS)
    assert clock.observe(Hlc(253402300799999, 0)).wall_ms == wall + MAX_AHEAD_MS
    assert clock.observe(Hlc(wall + 1000, 7)) == Hlc(wall + MAX_AHEAD_MS, 2)
    unbounded = HybridClock(wall=lambda: wall)
    assert unbounded.observe(Hlc(wall + 3_600_000, 0)).wall_ms == wall + 3_600_000
    top = HybridClock(Hlc(MAX_WALL_MS - 1, MAX_COUNTER), wall=lambda: MAX_WALL_MS - 1)
    assert top.tick() == Hlc(MAX_WALL_MS, 0)
    assert len(str(top.tick())) == 22
    assert correction_for(86_400.0) == -86_400_000 and correction_for(10.0**12) == 0
    assert Hlc(999_999_999_999_999, 0).wall_time.year == 9999
