"""The digitization profile the centre publishes (like the calendar): colour mode, minimum dpi, KB per page.

The default is the desk's small output: 1-bit text pages, mixed raster only where coloured ink is
(a stamp, a signature). A `gray` or `color` profile keeps the page's tones on every page (Nghị định
30/2020 asks for at least 200 dpi for a digitized copy in colour or gray): still a 1-bit text mask at
full resolution, over a low-resolution background, so a page stays within its KB budget.

A published profile is installed as `$MOTCUA_HOME/digitization.json` (sync.publications);
`installed_profile(home)` reads it, or gives the default when there is none.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from app.domain.errors import ValidationError

logger = logging.getLogger(__name__)

Mode = Literal["bw", "gray", "color"]
MODES: tuple[Mode, ...] = ("bw", "gray", "color")
PROFILE_FILE = "digitization.json"
TONE_MIN_DPI = 200  # Nghị định 30/2020: a gray or colour digitized copy is made at 200 dpi or more
DPI_RANGE = (150, 600)
KB_RANGE = (20, 5000)
MODE_VI = {"bw": "đen trắng", "gray": "thang xám", "color": "màu"}


@dataclass(frozen=True)
class DigitizationProfile:
    """How pages are kept: `mode` of every page, scanned at `min_dpi` or more, about `kb_per_page`."""

    mode: Mode = "bw"
    min_dpi: int = 150  # the default never raises what the clerk set (Cài đặt)
    kb_per_page: int = 200  # a colour page with a stamp fits; a text page is far below
    name: str = "Mặc định (đen trắng, nhỏ gọn)"

    @property
    def keeps_tones(self) -> bool:
        """Every page keeps its gray or colour background (not only pages with coloured ink)."""
        return self.mode != "bw"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_PROFILE = DigitizationProfile()


def _bad(log: str, vi: str) -> ValidationError:
    return ValidationError(f"digitization profile: {log}", f"Cấu hình số hóa không hợp lệ: {vi}")


def _int_in(raw: dict[str, Any], key: str, default: int, bounds: tuple[int, int], vi: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
        raise _bad(f"{key} {value!r} out of {bounds}", f"{vi} phải từ {bounds[0]} đến {bounds[1]}.")
    return value


def parse_profile(text: str, origin: str = "profile") -> DigitizationProfile:
    """A profile from its JSON text; every rule checked before anything is used."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(f"{origin}: not JSON ({exc.msg})", "tệp không đúng định dạng JSON.") from exc
    if not isinstance(raw, dict):
        raise _bad(f"{origin}: not an object", "tệp không đúng định dạng.")
    unknown = set(raw) - {"mode", "min_dpi", "kb_per_page", "name"}
    if unknown:
        raise _bad(f"{origin}: unknown keys {sorted(unknown)}", "có mục không được hỗ trợ.")
    mode = raw.get("mode", DEFAULT_PROFILE.mode)
    if mode not in MODES:
        raise _bad(
            f"{origin}: mode {mode!r}", "chế độ màu phải là đen trắng (bw), xám (gray) hoặc màu (color)."
        )
    dpi = _int_in(raw, "min_dpi", DEFAULT_PROFILE.min_dpi, DPI_RANGE, "Độ phân giải tối thiểu")
    if mode != "bw" and dpi < TONE_MIN_DPI:
        raise _bad(
            f"{origin}: {mode} at {dpi} dpi",
            f"bản số hóa {MODE_VI[mode]} cần độ phân giải từ {TONE_MIN_DPI} dpi (Nghị định 30/2020).",
        )
    kb = _int_in(raw, "kb_per_page", DEFAULT_PROFILE.kb_per_page, KB_RANGE, "Dung lượng mỗi trang (KB)")
    name = str(raw.get("name") or f"Số hóa {MODE_VI[mode]} {dpi} dpi")[:80]
    return DigitizationProfile(mode, dpi, kb, name)


def installed_profile(home: Path) -> DigitizationProfile:
    """The profile the centre published to this desk, or the default (a broken file is not used)."""
    path = home / PROFILE_FILE
    if not path.is_file():
        return DEFAULT_PROFILE
    try:
        return parse_profile(path.read_text(encoding="utf-8"), origin=str(path.name))
    except (OSError, ValidationError) as exc:
        logger.error("installed digitization profile not used: %s", exc)
        return DEFAULT_PROFILE
