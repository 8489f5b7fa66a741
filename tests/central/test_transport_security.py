"""TLS and data at rest on the hub: HTTPS with a self-signed certificate and a pinned CA bundle, plain
http refused to other machines, owner-only modes for hub data, abandoned uploads expire, upload quota."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import certifi
import pytest
import requests

from sync.ca_bundle import install_ca_bundle
from sync.enroll import enroll
from sync.errors import InsecureHubError, OfflineError
from sync.transport import HubTransport
from tests.central.hostile_kit import make_victim, sync, tus_metadata
from tests.sync.hubkit import ROOT, Hub, agency_code_for, env, make_dossier


def self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "hub.pem", tmp / "hub.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_hub(tmp_path: Path) -> Iterator[tuple[Hub, Path]]:
    cert, key = self_signed(tmp_path)
    hub = Hub(data=tmp_path / "hub")
    hub.data.mkdir()
    hub.proc = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", str(hub.port), *hub.store_args(),
         "--tls-cert", str(cert), "--tls-key", str(key)],
        cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"https://127.0.0.1:{hub.port}"
    for _ in range(300):
        try:
            if requests.get(url + "/api/v1/health", verify=str(cert), timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield hub, cert
    hub.stop()


def test_desk_syncs_over_tls_with_its_ca_whatever_the_environment_says(
    tls_hub: tuple[Hub, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    hub, cert = tls_hub
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # a bundle that does not know our hub
    monkeypatch.setenv("CURL_CA_BUNDLE", certifi.where())
    home = tmp_path / "desk"
    url = f"https://127.0.0.1:{hub.port}"
    code = hub.enroll_code("PT", 1)
    answer = enroll(home, url, code, ca_bundle=str(cert))
    assert answer.agency_code == agency_code_for("PT")
    _, _, shas = make_dossier(home, "PT", 1, pages=2, page_size=3000)
    report = sync(home)
    assert report.outcome == "ok" and report.pushed == 1 and report.files_uploaded == 2, report.log_message
    assert all(hub.blob_ok(s) for s in shas)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(url + "/api/v1/health", timeout=5)  # the environment's bundle alone: refused


def test_the_ca_bundle_kept_from_the_settings_screen_is_what_sync_verifies_with(
    tls_hub: tuple[Hub, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """IT picks the hub's CA on the settings screen (sync.ca_bundle); enrollment and every pass use
    the desk's copy, whatever REQUESTS_CA_BUNDLE says, and the file picked may then go away."""
    hub, cert = tls_hub
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    home, url = tmp_path / "desk", f"https://127.0.0.1:{hub.port}"
    home.mkdir()
    picked = tmp_path / "usb" / "trungtam-ca.pem"
    picked.parent.mkdir()
    picked.write_bytes(cert.read_bytes())
    with pytest.raises(OfflineError):  # no CA given yet: the hub's certificate is not trusted
        enroll(home, url, hub.enroll_code("PT", 1))
    install_ca_bundle(home, picked)
    picked.unlink()  # the USB stick is gone
    enroll(home, url, hub.enroll_code("PT", 1))
    _, _, shas = make_dossier(home, "PT", 1, pages=1, page_size=3000)
    report = sync(home)
    assert report.outcome == "ok" and report.pushed == 1 and report.files_uploaded == 1, report.log_message
    assert hub.blob_ok(shas[0])


def test_plain_http_to_another_machine_is_refused_unless_allowed(tmp_path: Path):
    for url in ("http://10.1.2.3:8765", "http://hub.example.org", "ftp://127.0.0.1", "https://"):
        with pytest.raises(InsecureHubError):
            HubTransport(url)
    with pytest.raises(InsecureHubError):
        enroll(tmp_path / "d", "http://10.1.2.3:8765", "AAAA-BBBB-CCCC")
    HubTransport("http://10.1.2.3:8765", allow_insecure=True).close()
    HubTransport("http://127.0.0.1:8765").close()
    assert "https://" in InsecureHubError("x").user_message


def test_hub_data_is_owner_only(hub: Hub, tmp_path: Path):
    make_victim(hub, tmp_path)
    assert stat.S_IMODE(hub.data.stat().st_mode) == 0o700
    if hub.db_url is None:
        assert stat.S_IMODE((hub.data / "hub.db").stat().st_mode) == 0o600
    files = [p for p in (hub.data / "blobs").rglob("*") if p.is_file()]
    folders = [p for p in (hub.data / "blobs").rglob("*") if p.is_dir()] + [hub.data / "tus"]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders)


def test_abandoned_uploads_expire_and_a_device_holds_only_a_few(tmp_path: Path):
    hub = Hub(
        data=tmp_path / "hub",
        extra_env={
            "MOTCUA_HUB_UPLOAD_EXPIRY_HOURS": str(2 / 3600),
            "MOTCUA_HUB_CLEANUP_INTERVAL_S": "0.5",
            "MOTCUA_HUB_OPEN_UPLOADS_PER_DEVICE": "2",
        },
    )
    hub.data.mkdir()
    hub.start()
    try:
        victim = make_victim(hub, tmp_path)
        desk = victim.desk
        from tests.central.hostile_kit import push_events_only

        pending = []
        for i in range(3):
            pending += make_dossier(desk.home, "PA", 1, pages=1, page_size=1000, seed=i)[2]
        push_events_only(desk)

        def create(sha: str) -> requests.Response:
            meta = tus_metadata({"sha256": sha, "device": desk.device_id, "filename": "x", "filetype": "y"})
            headers = {"Tus-Resumable": "1.0.0", "Upload-Length": "992", "Upload-Metadata": meta}
            return requests.post(f"{hub.url}/api/v1/tus/", headers=headers, auth=desk.auth, timeout=5)

        first, second = create(pending[0]), create(pending[1])
        assert (first.status_code, second.status_code, create(pending[2]).status_code) == (201, 201, 429)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and list((hub.data / "tus").glob("*.info")):
            time.sleep(0.5)
        assert not list((hub.data / "tus").glob("*.info"))
        head = requests.head(first.headers["Location"], headers={"Tus-Resumable": "1.0.0"}, auth=desk.auth)
        assert head.status_code == 404
        report = sync(desk.home)
        assert report.outcome == "ok" and report.files_uploaded == 3, report.log_message
    finally:
        hub.stop()
