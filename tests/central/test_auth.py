"""Every hub route: 401 without valid credentials, and a device sees only its own point."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
import requests

from sync.engine import SyncConfig, run_once
from sync.enroll import load_identity
from sync.protocol import PROTOCOL_HEADER
from tests.sync.hubkit import Hub, enroll_desk, make_dossier, received_payload

DEVICE_ROUTES = [
    ("POST", "/api/v1/events", {"json": {"events": []}}),
    ("GET", "/api/v1/changes", {}),
    ("GET", "/api/v1/dossiers", {}),
    ("GET", "/api/v1/dossiers/x", {}),
    ("GET", "/api/v1/files/" + "a" * 64, {}),
    ("GET", "/api/v1/files/" + "a" * 64 + "/content", {}),
    ("POST", "/api/v1/tus/", {"headers": {"Tus-Resumable": "1.0.0", "Upload-Length": "1"}}),
    ("HEAD", "/api/v1/tus/abc", {"headers": {"Tus-Resumable": "1.0.0"}}),
    (
        "PATCH",
        "/api/v1/tus/abc",
        {
            "headers": {
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
            "data": b"x",
        },
    ),
    ("DELETE", "/api/v1/tus/abc", {"headers": {"Tus-Resumable": "1.0.0"}}),
]
AGENCY_ROUTES = [
    ("POST", "/api/v1/agency/events", {"json": {"dossier_code": "x", "type": "accepted"}}),
    ("PUT", "/api/v1/agency/files?name=a.pdf", {"data": b"x"}),
]


@pytest.fixture
def two_points(sqlite_hub: Hub, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    enroll_desk(sqlite_hub, a, "P01", 1)
    enroll_desk(sqlite_hub, b, "P02", 1)
    dossier_id, code, shas = make_dossier(a, "P01", 1, pages=1, page_size=3000)
    # upload nothing yet: P01's file stays pending so its tus upload can be probed
    return a, b, dossier_id, code, shas


def basic(home: Path) -> tuple[str, str]:
    _, creds = load_identity(home)
    return creds.device_id, creds.secret


@pytest.mark.parametrize("method,path,kw", DEVICE_ROUTES + AGENCY_ROUTES)
def test_every_route_refuses_missing_or_wrong_credentials(shared_hub: Hub, method, path, kw):
    for auth in (None, ("nobody", "wrong"), "Bearer nonsense"):
        headers = dict(kw.get("headers", {}))
        if isinstance(auth, str):
            headers["Authorization"] = auth
        resp = requests.request(
            method,
            shared_hub.url + path,
            auth=auth if isinstance(auth, tuple) else None,
            headers=headers,
            json=kw.get("json"),
            data=kw.get("data"),
            timeout=10,
        )
        assert resp.status_code == 401, (method, path, auth, resp.status_code)


def test_device_cannot_read_or_write_another_points_data(sqlite_hub: Hub, two_points):
    a, b, dossier_id, _code, shas = two_points
    hub_url, creds = load_identity(a)
    # P01's desk pushes its metadata only
    from sync.transport import HubTransport

    db_events = requests.get  # noqa: F841
    run_once(SyncConfig(home=a, chunk_size=1000, batch_size=10), lambda d, t: None, lambda: True)  # cancelled
    t = HubTransport(hub_url, creds)
    from app.storage.db import open_db
    from app.storage.outbox import pending_events
    from sync.protocol import WireEvent

    db = open_db(a / "desk.db")
    batch = [WireEvent.model_validate(e.to_dict()) for e in pending_events(db, 10)]
    db.close()
    assert t.push(batch).stored == [batch[0].id]
    other = basic(b)
    url = sqlite_hub.url
    assert requests.get(f"{url}/api/v1/dossiers/{dossier_id}", auth=other, timeout=5).status_code == 404
    assert requests.get(f"{url}/api/v1/dossiers", auth=other, timeout=5).json() == []
    assert requests.get(f"{url}/api/v1/files/{shas[0]}", auth=other, timeout=5).status_code == 404
    assert requests.get(f"{url}/api/v1/files/{shas[0]}/content", auth=other, timeout=5).status_code == 404
    assert requests.get(f"{url}/api/v1/changes", auth=other, timeout=5).json()["changes"] == []
    # tus: P02 may not create an upload for P01's file, nor touch P01's upload
    meta = {"sha256": shas[0], "device": other[0], "filename": "x", "filetype": "y"}
    enc = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    tus = {"Tus-Resumable": "1.0.0", "Upload-Length": "2976", "Upload-Metadata": enc}
    assert requests.post(f"{url}/api/v1/tus/", headers=tus, auth=other, timeout=5).status_code == 403
    meta["device"] = creds.device_id
    enc = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    created = requests.post(
        f"{url}/api/v1/tus/",
        headers={**tus, "Upload-Metadata": enc},
        auth=(creds.device_id, creds.secret),
        timeout=5,
    )
    assert created.status_code == 201
    upload = created.headers["Location"]
    assert requests.head(upload, headers={"Tus-Resumable": "1.0.0"}, auth=other, timeout=5).status_code == 404
    patch = {
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
    }
    assert requests.patch(upload, headers=patch, data=b"evil", auth=other, timeout=5).status_code == 404
    # P02 may not write into P01's dossier, nor receive a dossier for P01
    foreign = [
        WireEvent(
            id="e-foreign-1",
            dossier_id=dossier_id,
            type="fee_collected",
            at=batch[0].at,
            actor="x",
            device="d",
            payload={"amount": 1},
        ).model_dump(),
        WireEvent(
            id="e-foreign-2",
            dossier_id="new-d",
            type="received",
            at=batch[0].at,
            actor="x",
            device="d",
            payload=received_payload("C-X", "P01", 1, []),
        ).model_dump(),
    ]
    answer = requests.post(f"{url}/api/v1/events", json={"events": foreign}, auth=other, timeout=5).json()
    assert sorted(r["id"] for r in answer["rejected"]) == ["e-foreign-1", "e-foreign-2"]
    assert answer["stored"] == []


def test_desk_cannot_post_agency_decisions(sqlite_hub: Hub, two_points):
    a, _, dossier_id, _, _ = two_points
    run_once(SyncConfig(home=a), lambda d, t: None, lambda: False)
    ev = {
        "id": "fake-accept",
        "dossier_id": dossier_id,
        "type": "accepted",
        "at": f"{time.time_ns() // 1_000_000:015d}-000000",
        "actor": "x",
        "device": "d",
        "payload": {},
    }
    answer = requests.post(f"{sqlite_hub.url}/api/v1/events", json={"events": [ev]}, auth=basic(a), timeout=5)
    assert answer.json()["rejected"][0]["reason"] == "accepted is an agency event"


def test_revoked_device_stops_with_a_vietnamese_message(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "a"
    enroll_desk(sqlite_hub, home, "P01", 1)
    make_dossier(home, "P01", 1, pages=1, page_size=100)
    device_id = basic(home)[0]
    sqlite_hub.cli("revoke-device", "--device", device_id)
    report = run_once(SyncConfig(home=home), lambda d, t: None, lambda: False)
    assert report.outcome == "auth" and report.error_code == "auth_revoked"
    assert "thu hồi" in (report.user_message or "")
    resp = requests.get(f"{sqlite_hub.url}/api/v1/changes", auth=basic(home), timeout=5)
    assert resp.json()["detail"]["code"] == "auth_revoked"


def test_enrollment_code_is_single_use(sqlite_hub: Hub, tmp_path: Path):
    code = sqlite_hub.enroll_code("P09", 3)
    from sync.enroll import enroll
    from sync.errors import EnrollCodeError

    answer = enroll(tmp_path / "one", sqlite_hub.url, code)
    assert (answer.point_code, answer.desk) == ("P09", 3)
    assert (tmp_path / "one" / "hub-secret").stat().st_mode & 0o777 == 0o600
    assert answer.secret not in (sqlite_hub.data / "hub.db").read_bytes().decode("latin-1")
    with pytest.raises(EnrollCodeError):
        enroll(tmp_path / "two", sqlite_hub.url, code)


def test_incompatible_protocol_gets_a_clear_refusal(sqlite_hub: Hub, tmp_path: Path):
    resp = requests.get(f"{sqlite_hub.url}/api/v1/changes", headers={PROTOCOL_HEADER: "99"}, timeout=5)
    assert resp.status_code == 426 and resp.json()["detail"]["code"] == "protocol_version"
    assert resp.headers["X-Hub-Time"].isdigit()


def test_health_without_auth_says_only_ok_and_protocol_and_no_api_description(shared_hub: Hub):
    resp = requests.get(shared_hub.url + "/api/v1/health", timeout=5)
    assert resp.status_code == 200 and resp.json() == {"status": "ok", "protocol": 1}
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert requests.get(shared_hub.url + path, timeout=5).status_code == 404


@pytest.mark.parametrize("placeholder", ["000.00.00.H26", "DEM.00.00.H26", "demo.01.H26"])
def test_the_hub_never_gives_a_point_the_desks_default_or_a_demo_agency_code(
    tmp_path: Path, placeholder: str
):
    """So every dossier code an unset or demo desk made is refused (409 dossier_code_foreign)."""
    from central.core.db import Database, migrate
    from central.crud import PointSetupError, create_enroll_code

    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(db.engine)
    with pytest.raises(PointSetupError, match="default or demo"), db.session() as s:
        create_enroll_code(s, "P01", 1, 1, placeholder)
    with db.session() as s:
        assert create_enroll_code(s, "P01", 1, 1, "000.00.01.H26")
    db.engine.dispose()
