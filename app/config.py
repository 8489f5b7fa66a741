"""Where the desk keeps its data, and its settings (`$MOTCUA_HOME/config.toml`)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from app.domain.agency_codes import UNSET_AGENCY_CODE
from app.domain.errors import ValidationError

APP_NAME = "motcua"


def data_home() -> Path:
    """`$MOTCUA_HOME`, else the platform's user data dir; created if missing."""
    env = os.environ.get("MOTCUA_HOME")
    home = Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    home.mkdir(mode=0o700, parents=True, exist_ok=True)  # desk data is owner-only
    return home


def db_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "desk.db"


def blobs_dir(home: Path | None = None) -> Path:
    return (home or data_home()) / "blobs"


def logs_dir(home: Path | None = None) -> Path:
    return (home or data_home()) / "logs"


def config_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "config.toml"


@dataclass
class Settings:
    """Per-machine settings. Unknown keys in the file are kept, so newer versions can add some."""

    point_code: str = "DEMO"  # short code of the service point (used by the hub and in the code space)
    point_name: str = "Điểm Phục vụ hành chính công (chưa cấu hình)"
    point_address: str = ""  # printed on the guidance sheet
    point_hours: str = ""  # opening hours, e.g. "Thứ Hai–Thứ Sáu 8:00–17:00; sáng Thứ Bảy 8:00–11:30"
    point_hotline: str = ""
    agency_code: str = UNSET_AGENCY_CODE  # agency id that starts every dossier code (none made on this)
    desk: int = 1  # desk number given at enrollment; splits the dossier-code sequence space
    hub_url: str = ""
    saturday_reception: bool = False  # the point receives dossiers on Saturday mornings
    scanner_device: str = ""
    scan_dpi: int = 300
    scan_mode: str = "color"
    printer: str = ""
    ocr_lang: str = "vie"
    backup_dir: str = ""
    backup_keep: int = 7
    lock_minutes: int = 10
    extra: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        problems = []
        if not 1 <= self.desk <= 99:
            problems.append("Số bàn phải từ 1 đến 99.")
        if self.scan_dpi not in (150, 200, 300, 400, 600):
            problems.append("Độ phân giải quét phải là 150, 200, 300, 400 hoặc 600 dpi.")
        if self.scan_mode not in ("color", "gray", "bw"):
            problems.append("Chế độ màu không hợp lệ.")
        if problems:
            raise ValidationError("invalid settings", " ".join(problems), problems=problems)


def load_settings(home: Path | None = None) -> Settings:
    path = config_path(home)
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"config file {path} is not valid TOML: {exc}",
            "Tệp cấu hình bị hỏng. Hãy chạy lại phần cài đặt ban đầu.",
        ) from exc
    known = {f.name for f in fields(Settings)} - {"extra"}
    settings = Settings(**{k: v for k, v in raw.items() if k in known})
    settings.extra = {k: v for k, v in raw.items() if k not in known}
    return settings


def save_settings(settings: Settings, home: Path | None = None) -> None:
    """Validate, then write atomically (temp file, fsync, rename)."""
    settings.validate()
    data = asdict(settings)
    data.update(data.pop("extra"))
    path = config_path(home)
    tmp = path.with_suffix(".toml.tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        tomli_w.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
