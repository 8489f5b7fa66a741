"""The hub tried as a hostile or careless client would, on SQLite and PostgreSQL (a real hub process).

After every attack the victim point's data is intact and its desk still pushes and pulls."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import requests

from tests.central.hostile_kit import (
    MB,
    assert_victim_intact,
    basic_header,
    event_rows,
    hub_rss_kb,
    make_victim,
    new_desk,
    now_at,
    plant_stored_event,
    push,
    push_events_only,
    received_event,
    send_raw,
    sync,
    tus_metadata,
)
from tests.sync.hubkit import Hub, make_dossier, next_code

RSS_LIMIT_KB = 20 * 1024


def test_unauthenticated_100mb_post_is_refused_before_its_body(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    before = hub_rss_kb(hub)
    for path in ("/api/v1/events", "/api/v1/agency/events", "/api/v1/agency/files?name=a.pdf"):
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        status, _ = send_raw(hub.port, head + f"Content-Length: {100 * MB}\r\n\r\n", 100 * MB)
        assert status == 401, (path, status)
        status, _ = send_raw(hub.port, head + "Transfer-Encoding: chunked\r\n\r\n", 100 * MB, chunked=True)
        assert status == 401, (path, status)
    assert hub_rss_kb(hub) - before < RSS_LIMIT_KB
    assert_victim_intact(hub, victim)


def test_60mb_tus_creation_with_upload_is_refused_before_its_body(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    desk, sha = victim.desk, victim.shas[0]
    meta = tus_metadata({"sha256": sha, "device": desk.device_id, "filename": "x", "filetype": "y"})
    before = hub_rss_kb(hub)
    for auth in ("", f"Authorization: {basic_header(*desk.auth)}\r\n"):
        head = (
            f"POST /api/v1/tus/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n{auth}"
            f"Upload-Length: {60 * MB}\r\nUpload-Metadata: {meta}\r\n"
            "Content-Type: application/offset+octet-stream\r\n"
        )
        status, _ = send_raw(hub.port, head + f"Content-Length: {60 * MB}\r\n\r\n", 60 * MB)
        assert status == (413 if auth else 401)
        status, _ = send_raw(hub.port, head + "Transfer-Encoding: chunked\r\n\r\n", 60 * MB, chunked=True)
        assert status == (413 if auth else 401)
    assert hub_rss_kb(hub) - before < RSS_LIMIT_KB
    assert_victim_intact(hub, victim)


def test_authenticated_push_over_the_limit_gets_413_while_streaming(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    before = hub_rss_kb(hub)
    head = (
        f"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: {basic_header(*victim.desk.auth)}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    status, sent = send_raw(hub.port, head, 100 * MB, chunked=True)
    assert status == 413 and sent < 100 * MB
    assert hub_rss_kb(hub) - before < RSS_LIMIT_KB
    assert_victim_intact(hub, victim)


def test_deeply_nested_event_is_refused_and_the_feed_stays_readable(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    colleague = new_desk(hub, tmp_path / "colleague", "PA", 2)
    deep: dict[str, object] = {}
    node = deep
    for _ in range(900):
        node["x"] = {}
        node = node["x"]  # type: ignore[assignment]
    event = received_event("deep-1", next_code("PA", 2), "PA", 2, now_at(), {"extra": deep})
    assert push(hub, colleague, [event]).status_code == 422
    event["payload"]["extra"] = "[" * 100_000  # a string, not nesting: JSON parsers must not recurse
    raw = '{"events": [' + "[" * 50_000 + "]" * 50_000 + "]}"
    resp = requests.post(
        f"{hub.url}/api/v1/events",
        data=raw,
        headers={"Content-Type": "application/json"},
        auth=colleague.auth,
        timeout=30,
    )
    assert resp.status_code in (400, 422)
    changes = requests.get(f"{hub.url}/api/v1/changes", auth=victim.desk.auth, timeout=10)
    assert changes.status_code == 200
    assert_victim_intact(hub, victim)


def test_an_event_stored_before_the_bounds_cannot_block_its_points_feed(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    plant_stored_event(hub, "PA", victim.dossier_id, '{"x": ' * 900 + "1" + "}" * 900)
    plant_stored_event(hub, "PA", victim.dossier_id + "b", '{"amount": 1}', actor="x" * 150)
    changes = requests.get(f"{hub.url}/api/v1/changes", auth=victim.desk.auth, timeout=10)
    assert changes.status_code == 200
    assert not {"old-" + victim.dossier_id, "old-" + victim.dossier_id + "b"} & {
        c["event"]["id"] for c in changes.json()["changes"] if c["event"]
    }
    victim.before = hub.dossiers("PA")
    assert_victim_intact(hub, victim)


def test_far_future_stamp_is_refused_and_cannot_poison_other_points(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    attacker = new_desk(hub, tmp_path / "b", "PB", 1)
    future = "999999999999999-000000"
    event = received_event("future-1", next_code("PB", 1), "PB", 1, future)
    answer = push(hub, attacker, [event])
    assert answer.status_code == 422  # an impossible year: not an HLC stamp we accept at all
    ahead = f"{time.time_ns() // 1_000_000 + 3_600_000:015d}-000000"  # an hour ahead
    answer = push(hub, attacker, [received_event("future-2", next_code("PB", 1), "PB", 1, ahead)])
    assert answer.status_code == 200
    [rejection] = answer.json()["rejected"]
    assert "ahead" in rejection["reason"]
    hub.agency_post(victim.code, "accepted")
    [row] = [e for e in event_rows(hub) if e["dossier_id"] == victim.dossier_id and e["type"] == "accepted"]
    assert int(row["at"][:15]) <= time.time_ns() // 1_000_000 + 60_000
    victim.before = hub.dossiers("PA")
    assert [d["state"] for d in victim.before] == ["accepted"]
    assert_victim_intact(hub, victim)


def test_dossier_codes_cannot_be_squatted_or_reused(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    attacker = new_desk(hub, tmp_path / "b", "PB", 1)
    twin = new_desk(hub, tmp_path / "a2", "PA", 1)  # same point, same desk number: a reinstalled PC
    next_a = next_code("PA", 1)
    squat = push(hub, attacker, [received_event("squat-1", next_a, "PB", 1, now_at())])
    assert squat.status_code == 409 and squat.json()["detail"]["code"] == "dossier_code_foreign"
    wrong_desk = push(hub, twin, [received_event("squat-2", next_code("PA", 2), "PA", 1, now_at())])
    assert wrong_desk.status_code == 409 and wrong_desk.json()["detail"]["code"] == "dossier_code_foreign"
    taken = push(hub, twin, [received_event("squat-3", victim.code, "PA", 1, now_at())])
    assert taken.status_code == 409 and taken.json()["detail"]["code"] == "dossier_code_taken"
    default = push(hub, attacker, [received_event("squat-4", "000.00.00.H26-261201-1001", "PB", 1, now_at())])
    assert default.status_code == 409
    assert not {"squat-1", "squat-2", "squat-3", "squat-4"} & {d["id"] for d in hub.dossiers()}
    assert_victim_intact(hub, victim)


def test_hub_stamps_the_device_and_refuses_a_foreign_actor(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    b = new_desk(hub, tmp_path / "b", "PB", 1)
    event = received_event("stamp-1", next_code("PB", 1), "PB", 1, now_at())
    event["device"] = victim.desk.device_id
    assert push(hub, b, [event]).json()["stored"] == ["ev-stamp-1"]
    [row] = [e for e in event_rows(hub) if e["id"] == "ev-stamp-1"]
    assert row["device"] == b.device_id
    for actor in ("agency", "hub", "agency:so-tu-phap", "", "clerk\x00", "unverified"):
        event = received_event(f"actor-{len(actor)}", next_code("PB", 1), "PB", 1, now_at())
        event["actor"] = actor
        resp = push(hub, b, [event])
        assert resp.status_code == 422 or resp.json()["rejected"], actor
    assert_victim_intact(hub, victim)


def test_a_file_hash_is_not_a_read_key_across_points(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    b = new_desk(hub, tmp_path / "b", "PB", 1)
    stolen = victim.shas[0]
    event = received_event("thief-1", next_code("PB", 1), "PB", 1, now_at())
    event["payload"]["documents"] = [{"id": "d", "pages": [{"sha256": stolen, "size": 2976}]}]
    answer = push(hub, b, [event]).json()
    assert answer["stored"] == ["ev-thief-1"]
    assert [f["sha256"] for f in answer["missing_files"]] == [stolen]  # says nothing of point A's copy
    url = f"{hub.url}/api/v1/files/{stolen}"
    assert requests.get(url, auth=b.auth, timeout=5).json()["complete"] is False
    assert requests.get(url + "/content", auth=b.auth, timeout=5).status_code == 404
    assert requests.get(url + "/content", auth=victim.desk.auth, timeout=5).status_code == 200
    assert_victim_intact(hub, victim)


def test_tus_needs_the_declared_length_and_bounds_open_uploads(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    desk = victim.desk
    _, _, [sha] = make_dossier(desk.home, "PA", 1, pages=1, page_size=4096)
    push_events_only(desk)
    meta = tus_metadata({"sha256": sha, "device": desk.device_id, "filename": "x", "filetype": "y"})
    base = {"Tus-Resumable": "1.0.0", "Upload-Metadata": meta}
    url = f"{hub.url}/api/v1/tus/"
    no_length = requests.post(url, headers=base, auth=desk.auth, timeout=5)
    deferred = requests.post(url, headers={**base, "Upload-Defer-Length": "1"}, auth=desk.auth, timeout=5)
    wrong = requests.post(url, headers={**base, "Upload-Length": "5000"}, auth=desk.auth, timeout=5)
    concat = requests.post(
        url, headers={**base, "Upload-Length": "4096", "Upload-Concat": "partial"}, auth=desk.auth, timeout=5
    )
    assert [r.status_code for r in (no_length, deferred, wrong, concat)] == [400, 400, 400, 400]
    assert sync(desk.home).outcome == "ok"
    assert_victim_intact(hub, victim)


def test_crafted_inputs_get_4xx_never_500(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    b = new_desk(hub, tmp_path / "b", "PB", 1)
    url = hub.url
    assert requests.get(f"{url}/api/v1/changes?after={2**70}", auth=b.auth, timeout=5).status_code == 422
    assert requests.get(f"{url}/api/v1/changes?after=-1", auth=b.auth, timeout=5).status_code == 422
    refused = [  # from the findings: each once gave a 500
        {"documents": [{"pages": [{"sha256": "zz", "size": 1}]}]},
        {"documents": [{"pages": [{"sha256": "a" * 64, "size": -1}]}]},
        {"documents": [{"pages": [{"sha256": "a" * 64, "size": 2**70}]}]},
        {"fees": ["x"]},
        {"code": "C" * 81},
    ]
    kept_and_flagged = [{"fees": [{"amount": "lots"}]}, {"applicant": "x"}, {"due_date": {"y": 1}}]
    for i, extra in enumerate(refused + kept_and_flagged):
        event = received_event(f"craft-{i}", next_code("PB", 1), "PB", 1, now_at(), extra)
        resp = push(hub, b, [event])
        assert resp.status_code < 500, (i, resp.text)
        if i < len(refused):
            assert resp.status_code >= 400 or resp.json()["stored"] == [], (i, resp.text)
    raw = (
        '{"events": [{"id": "craft-x", "dossier_id": "craft-x", "type": "received", "at": "AT", '
        '"actor": "c", "device": "d", "payload": {"fees_total": 1e400}}]}'
    ).replace("AT", now_at())
    resp = requests.post(
        f"{url}/api/v1/events", data=raw, headers={"Content-Type": "application/json"}, auth=b.auth, timeout=5
    )
    assert resp.status_code == 422
    nul = received_event("craft-nul", next_code("PB", 1), "PB", 1, now_at())
    nul["actor"] = "a\x00b"
    assert push(hub, b, [nul]).status_code == 422
    for header in (
        "Bearer é",
        "Basic é",
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Bearer " + "x" * 5000,
    ):
        resp = requests.post(
            f"{url}/api/v1/agency/events",
            json={"dossier_id": "x", "type": "accepted"},
            headers={"Authorization": header.encode("utf-8")},  # type: ignore[dict-item]
            timeout=5,
        )
        assert resp.status_code == 401, header
        resp = requests.get(f"{url}/api/v1/changes", headers={"Authorization": header.encode()}, timeout=5)  # type: ignore[dict-item]
        assert resp.status_code == 401, header
    for path in ("/api/v1/files/zz", "/api/v1/files/zz/content", "/api/v1/dossiers/" + "x" * 300):
        assert requests.get(url + path, auth=b.auth, timeout=5).status_code in (404, 422)
    assert_victim_intact(hub, victim)


def test_a_device_revoked_while_its_credentials_are_remembered_stores_nothing_more(hub: Hub, tmp_path: Path):
    """The hub remembers verified credentials for a few seconds; a revocation from another process
    (the CLI) is still refused at the very next push, inside the push's own transaction."""
    victim = make_victim(hub, tmp_path)
    b = new_desk(hub, tmp_path / "b", "PB", 1)
    first = received_event("rev-1", next_code("PB", 1), "PB", 1, now_at())
    assert push(hub, b, [first]).json()["stored"] == ["ev-rev-1"]  # b's credentials now remembered
    hub.cli("revoke-device", "--device", b.device_id)
    again = push(hub, b, [received_event("rev-2", next_code("PB", 1), "PB", 1, now_at())])
    assert again.status_code == 401 and again.json()["detail"]["code"] == "auth_revoked"
    assert "ev-rev-2" not in {e["id"] for e in event_rows(hub)}
    assert "rev-2" not in {d["id"] for d in hub.dossiers()}
    assert_victim_intact(hub, victim)
