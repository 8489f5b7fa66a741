"""Agency accounts: per-agency hashed tokens, scoped to points and procedures, revocable; result files
attached only by the agency that uploaded them; dossiers addressed by id or by point and code."""

from __future__ import annotations

from pathlib import Path

import requests

from app.config import load_settings
from sync.errors import HubRefusedError
from tests.central.hostile_kit import assert_victim_intact, make_victim, new_desk, sync
from tests.sync.hubkit import Hub, agency_code_for, make_dossier, run_py
from ui.messages import user_message


def add_agency(hub: Hub, name: str, *scope: str) -> str:
    out = run_py("-m", "central", "agency", "add", *hub.store_args(), "--name", name, *scope).stdout
    return out.strip().splitlines()[-1]


def post(hub: Hub, token: str, body: dict[str, object]) -> requests.Response:
    return requests.post(
        f"{hub.url}/api/v1/agency/events", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def upload(hub: Hub, token: str, name: str, data: bytes) -> requests.Response:
    return requests.put(
        f"{hub.url}/api/v1/agency/files",
        params={"name": name},
        data=data,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_agency_is_scoped_addresses_by_id_or_point_and_code_and_can_be_revoked(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    b = new_desk(hub, tmp_path / "b", "PB", 1)
    _, b_code, _ = make_dossier(b.home, "PB", 1, pages=1, page_size=300)
    assert sync(b.home).outcome == "ok"
    for_a = add_agency(hub, "so-tu-phap", "--point", "PA")
    for_b = add_agency(hub, "ubnd-pb", "--point", "PB", "--procedure", "9.999")
    assert for_a.encode() not in (hub.data / "hub.db").read_bytes() if not hub.db_url else True
    by_code = post(hub, for_a, {"point_code": "PA", "dossier_code": victim.code, "type": "accepted"})
    assert by_code.status_code == 200 and by_code.json()["actor"] == "agency:so-tu-phap"
    by_id = post(hub, for_a, {"dossier_id": victim.dossier_id, "type": "processing"})
    assert by_id.status_code == 200
    assert post(hub, for_a, {"dossier_code": victim.code, "type": "accepted"}).status_code == 422  # no point
    assert (
        post(hub, for_a, {"point_code": "PB", "dossier_code": b_code, "type": "accepted"}).status_code == 422
    )
    assert (
        post(hub, for_b, {"point_code": "PB", "dossier_code": b_code, "type": "accepted"}).status_code == 422
    )
    assert post(hub, for_b, {"dossier_id": victim.dossier_id, "type": "rejected"}).status_code == 422
    run_py("-m", "central", "agency", "revoke", *hub.store_args(), "--name", "so-tu-phap")
    revoked = post(hub, for_a, {"dossier_id": victim.dossier_id, "type": "rejected"})
    assert revoked.status_code == 401 and revoked.json()["detail"]["code"] == "auth_revoked"
    assert (
        post(hub, "agency-test-token", {"dossier_id": victim.dossier_id, "type": "rejected"}).status_code
        == 401
    )
    assert [d["state"] for d in hub.dossiers("PA")] == ["processing"]
    victim.before = hub.dossiers("PA")
    assert_victim_intact(hub, victim)


def test_agency_attaches_only_files_it_uploaded_and_the_point_can_fetch_them(hub: Hub, tmp_path: Path):
    victim = make_victim(hub, tmp_path)
    mine, other = add_agency(hub, "one", "--point", "*"), add_agency(hub, "two", "--point", "*")
    for name in ("", ".", "..", "a/b", "x" * 201):
        assert upload(hub, mine, name, b"x").status_code == 422, name
    ref = upload(hub, mine, "ket-qua.pdf", b"%PDF-1.4 result " * 50).json()
    assert ref["name"] == "ket-qua.pdf" and ref["size"] == 800
    stolen = {"sha256": victim.shas[0], "size": 2976, "name": "scan.png", "mime": "image/png"}
    body = {"dossier_id": victim.dossier_id, "type": "result_ready"}
    for files in (["abc"], [{}], [stolen], [ref]):
        token = other if files == [ref] else mine
        assert post(hub, token, {**body, "payload": {"files": files}}).status_code == 422, files
    assert post(hub, mine, {**body, "payload": {"files": [ref]}}).status_code == 200
    report = sync(victim.desk.home)
    assert report.outcome == "ok" and report.files_downloaded == 1
    victim.before = hub.dossiers("PA")
    assert_victim_intact(hub, victim)


def test_enrollment_gives_the_agency_code_and_code_refusals_read_in_vietnamese(hub: Hub, tmp_path: Path):
    desk = new_desk(hub, tmp_path / "d", "PC", 3)
    assert load_settings(desk.home).agency_code == agency_code_for("PC")
    args = ("enroll-code", *hub.store_args(), "--point", "PD", "--desk", "1")
    refused = run_py("-m", "central", *args, check=False)  # a new point needs its agency code
    assert refused.returncode == 2 and "agency code" in refused.stderr
    clash = run_py("-m", "central", *args, "--agency-code", agency_code_for("PC"), check=False)
    assert clash.returncode == 2 and "belongs to point PC" in clash.stderr
    taken = HubRefusedError("POST /events: HTTP 409 dossier_code_taken", 409, "dossier_code_taken")
    assert "đã được một hồ sơ khác dùng" in user_message(taken)
