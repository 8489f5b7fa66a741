"""Real parts for sync tests: the hub as a process, PostgreSQL started here, desks with real stores."""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from app.domain.ids import new_id
from app.storage.blobs import BlobStore, record_blob
from app.storage.db import open_db
from app.storage.events import append_event

if TYPE_CHECKING:
    from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


_CODES = itertools.count()


def agency_code_for(point: str) -> str:
    """The agency code the test hubs give a point at its first enrollment (unique per point)."""
    return f"T{hashlib.sha256(point.encode()).hexdigest()[:3].upper()}.00.H26"


def next_code(point: str, desk: int) -> str:
    """A dossier code of this point and desk's range, never the same twice in a test run."""
    n = next(_CODES)
    day = date(2026, 1, 1) + timedelta(days=n // 999)
    return f"{agency_code_for(point)}-{day:%y%m%d}-{desk * 1000 + 1 + n % 999:04d}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def run_py(*args: str, home: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    e = env()
    if home is not None:
        e["MOTCUA_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=e, capture_output=True, text=True, check=check, timeout=120
    )


class Postgres:
    """A throwaway PostgreSQL 15 cluster on a free port (initdb refuses root: run as `postgres`)."""

    def __init__(self, fsync: bool = False) -> None:
        """`fsync`: a cluster that flushes its WAL at each commit as a production one does (tests run
        without: nothing they check needs it)."""
        self.fsync = fsync
        self.dir = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
        self.port = free_port()
        self.counter = 0
        os.chmod(self.dir, 0o755)
        shutil.chown(self.dir, "postgres", "postgres")
        self.data, self.sock = self.dir / "data", self.dir / "sock"
        self._as_pg("mkdir", str(self.sock))
        self._as_pg(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
        )
        self._start()

    def _start(self) -> None:
        self._as_pg(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "pg.log"),
            "-w",
            "start",
            "-o",
            f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync={'on' if self.fsync else 'off'} "
            "-c max_connections=300",
        )

    def _as_pg(self, *cmd: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *cmd], check=True, capture_output=True, timeout=120
        )

    def new_database(self) -> str:
        self.counter += 1
        name = f"hub{self.counter}"
        self._as_pg(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def restart(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: every backend told to terminate; `immediate`: as a crash) and
        start it again on the same port: every connection a client held is gone."""
        self._as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        self._start()

    def stop(self) -> None:
        self._as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Hub:
    """`python -m central serve` as a real process on 127.0.0.1."""

    data: Path
    db_url: str | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def store_args(self) -> list[str]:
        return ["--data", str(self.data)] + (["--db", self.db_url] if self.db_url else [])

    def start(self) -> Hub:
        log = open(self.data.parent / f"hub-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "central", "serve", "--port", str(self.port), *self.store_args()],
            cwd=ROOT,
            env={**env(), **self.extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited with {self.proc.returncode}")
            time.sleep(0.1)
        raise RuntimeError("hub did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def cli(self, *args: str) -> str:
        return run_py("-m", "central", *args[:1], *self._store_then(args[1:])).stdout

    def _store_then(self, rest: tuple[str, ...]) -> list[str]:
        return [*rest, *self.store_args()]

    def enroll_code(self, point: str, desk: int) -> str:
        args = ("--point", point, "--desk", str(desk), "--agency-code", agency_code_for(point))
        return self.cli("enroll-code", *args).strip().splitlines()[-1]

    def dossiers(self, point: str | None = None) -> list[dict[str, Any]]:
        import json

        extra = ["--point", point] if point else []
        return list(json.loads(self.cli("dossiers", *extra, "--json")))

    def agency_post(self, code: str, event: str, *extra: str) -> str:
        return run_py(
            "-m", "central", "agency", "post", *self.store_args(), "--dossier", code, "--event", event, *extra
        ).stdout

    def engine(self) -> Engine:
        """An engine on the hub's own database, opened as the hub opens it (SQLite: sealed hub.db)."""
        from central.core.config import HubSettings
        from central.core.db import open_database

        settings = HubSettings(data_dir=self.data, database_url=self.db_url or "")
        return open_database(settings).engine

    def events(self) -> list[tuple[str, str, str]]:
        """(id, dossier_id, type) of every event the hub stored, read straight from its database."""
        from sqlalchemy import text

        engine = self.engine()
        with engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(text("SELECT id, dossier_id, type FROM events"))]
        engine.dispose()
        return rows  # type: ignore[return-value]

    def blob_ok(self, sha: str) -> bool:
        """The hub holds the file, sealed under its blob key, and it opens to bytes of that SHA-256."""
        from central.blob_key import default_key_file, load_or_create
        from central.blobs import HubBlobs

        blobs = HubBlobs(self.data / "blobs", load_or_create(default_key_file(self.data)))
        return blobs.has(sha) and blobs.is_sealed(sha) and blobs.verify(sha)


def make_dossier(
    home: Path, point: str, desk: int, pages: int = 2, page_size: int = 40_000, seed: int = 0
) -> tuple[str, str, list[str]]:
    """A `received` dossier with scanned pages in the desk store; returns (dossier_id, code, shas)."""
    db = open_db(home / "desk.db")
    blobs = BlobStore(home / "blobs")
    shas, pages_meta = [], []
    dossier_id = new_id()
    code = next_code(point, desk)
    with db.transaction():
        for i in range(pages):
            data = hashlib.sha256(f"{dossier_id}:{i}:{seed}".encode()).digest() * (page_size // 32)
            ref = blobs.put_bytes(data)
            record_blob(db, ref, "image/png")
            shas.append(ref.sha256)
            pages_meta.append(
                {
                    "sha256": ref.sha256,
                    "size": ref.size,
                    "mime": "image/png",
                    "width": 100,
                    "height": 100,
                    "dpi": 300,
                    "ocr_confidence": 90,
                    "rotation": 0,
                    "skew": 0,
                    "is_blank": False,
                    "is_color": False,
                }
            )
        append_event(db, dossier_id, "received", received_payload(code, point, desk, pages_meta), "clerk1")
    db.close()
    return dossier_id, code, shas


def received_payload(code: str, point: str, desk: int, pages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "code": code,
        "point_code": point,
        "desk": desk,
        "procedure": {"code": "1.001", "version": 1, "name": "Thủ tục thử", "field": "Hộ tịch"},
        "applicant": {
            "full_name": "Nguyễn Văn A",
            "id_kind": "cccd",
            "id_number": "001099000001",
            "birth_date": "1990-01-01",
            "gender": "male",
            "address": "Hà Nội",
            "phone": "0900000000",
            "email": None,
        },
        "checklist": [],
        "fees": [],
        "fees_total": 0,
        "documents": [
            {
                "id": new_id(),
                "component": "c1",
                "name": "Tờ khai",
                "copy_kind": "original",
                "pages": pages,
                "pdf": None,
            }
        ],
        "return_method": {"kind": "desk"},
        "received_at": "2026-11-20T09:00:00+07:00",
        "counted_from": "2026-11-20",
        "due_date": "2026-11-27",
        "due_time": "16:00",
    }


def enroll_desk(hub: Hub, home: Path, point: str, desk: int, hub_url: str | None = None) -> None:
    home.mkdir(parents=True, exist_ok=True)
    code = hub.enroll_code(point, desk)
    from sync.enroll import enroll

    enroll(home, hub_url or hub.url, code)


def outbox_empty(home: Path) -> bool:
    db = open_db(home / "desk.db")
    try:
        pending = db.conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
        files = db.conn.execute("SELECT count(*) FROM blobs WHERE uploaded_at IS NULL").fetchone()[0]
        return bool(pending == 0 and files == 0)
    finally:
        db.close()


def local_event_ids(home: Path) -> set[str]:
    db = open_db(home / "desk.db")
    try:
        return {r[0] for r in db.conn.execute("SELECT id FROM events WHERE origin = 'local'")}
    finally:
        db.close()
