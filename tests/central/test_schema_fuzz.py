"""schemathesis against a real hub process, from the hub's own OpenAPI schema (generated from the app;
the hub does not serve it): with device credentials, agency credentials and none. 0 server errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from central.core.config import HubSettings
from central.main import create_app
from tests.central.hostile_kit import basic_header, make_victim
from tests.sync.hubkit import ROOT, Hub, env, run_py

MAX_SECONDS = 50  # per credential kind: a few minutes in all


def hub_schema(tmp: Path) -> Path:
    """The app's schema, less `Content-Length` as a parameter: the HTTP client sets it from the body (a
    declared length with no body only makes the hub wait for its body idle timeout, by design)."""
    schema = create_app(HubSettings(data_dir=tmp / "schema-hub")).openapi()
    for item in schema["paths"].values():
        for operation in item.values():
            params = operation.get("parameters", [])
            operation["parameters"] = [p for p in params if p.get("name", "").lower() != "content-length"]
    path = tmp / "openapi.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    return path


@pytest.mark.timeout(600)
def test_fuzzing_the_hub_from_its_schema_finds_no_server_error(sqlite_hub: Hub, tmp_path: Path):
    schema = hub_schema(tmp_path)
    victim = make_victim(sqlite_hub, tmp_path)
    out = run_py("-m", "central", "agency", "add", *sqlite_hub.store_args(), "--name", "fuzz", "--point", "*")
    token = out.stdout.strip().splitlines()[-1]
    kinds = {
        "device": basic_header(*victim.desk.auth),
        "agency": f"Bearer {token}",
        "none": None,
    }
    for kind, header in kinds.items():
        cmd = [
            sys.executable, "-m", "schemathesis.cli", "run", str(schema),
            "--url", sqlite_hub.url,
            "--checks", "not_a_server_error",
            "--max-examples", "25",
            "--max-time", str(MAX_SECONDS),
            "--request-timeout", "10",
            "--seed", "1",
            "--workers", "1",
            "--suppress-health-check", "all",
            "--warnings", "off",
        ]  # fmt: skip
        if header:
            cmd += ["-H", f"Authorization: {header}"]
        done = subprocess.run(
            cmd, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=MAX_SECONDS * 3
        )
        assert done.returncode == 0, f"{kind}:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
        assert "Server error" not in done.stdout, kind
    victim.before = sqlite_hub.dossiers("PA")[: len(victim.before)]
