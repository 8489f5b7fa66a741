"""Hub settings (pydantic-settings): from the command line, else `MOTCUA_HUB_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class HubSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOTCUA_HUB_")

    data_dir: Path = Path("central-data")  # blobs/ and tus/ live here (and hub.db by default)
    database_url: str = ""  # empty: SQLite file data_dir/hub.db
    enroll_code_hours: int = 72
    upload_expiry_hours: float = 6.0  # an unfinished tus upload older than this is removed
    open_uploads_per_device: int = 50  # unfinished tus uploads one device may hold at once
    cleanup_interval_s: float = 600.0
    changes_page: int = 500
    body_idle_timeout_s: float = 30.0  # a request body silent this long counts as a disconnect
    # citizen status page, per client address: `citizen_burst` requests within burst / rate seconds
    citizen_rate_per_s: float = 0.5
    citizen_burst: int = 20
    # hits a process counts before writing them (0: a twentieth of the burst, 1 to 32); see docs/hub.md
    citizen_flush_hits: int = 0
    # console login, per client address: failed attempts within `login_window_s` before it is refused
    login_failures_per_address: int = 20
    login_window_s: float = 900.0
    # proxies whose X-Forwarded-For names the client (CIDRs, comma-separated; default none)
    trusted_proxies: str = ""
    silent_hours: float = 4.0  # console: a point none of whose desks pulled or pushed for this long is marked
    # console: where `catalog import-portal --out` drafts are looked for (None: data_dir/catalog-drafts)
    catalog_drafts_dir: Path | None = None
    # the key the hub's files are sealed with: kept OUTSIDE the data folder (None: <data>-keys/blob.key)
    blob_key_file: Path | None = None

    @property
    def drafts_dir(self) -> Path:
        return self.catalog_drafts_dir or self.data_dir / "catalog-drafts"

    @property
    def key_file(self) -> Path:
        from central.blob_key import default_key_file

        return self.blob_key_file or default_key_file(self.data_dir)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'hub.db').resolve()}"

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def tus_dir(self) -> Path:
        return self.data_dir / "tus"

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"
