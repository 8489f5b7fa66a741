"""Where the program's own files are, from a source checkout or a PyInstaller bundle.

The frozen build (`build.spec`) carries Tesseract in `<bundle>/tesseract/` (executable, its
shared libraries in `lib/`, language data in `tessdata/`) and the repository's `resources/` in
`<bundle>/resources/`. Everything that runs Tesseract calls `configure_tesseract()` first, so the
bundled copy is used when frozen and the system one (on PATH) otherwise.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
TESSERACT_ENV = "MOTCUA_TESSERACT"  # optional override: path of a tesseract executable


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path:
    """The folder holding the bundled data files (`sys._MEIPASS` when frozen, else the repo root)."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).resolve().parent))
    return REPO_ROOT


def resources_dir() -> Path:
    return bundle_dir() / "resources"


def self_command() -> list[str]:
    """The argv prefix that runs this program again (`motcua` when frozen, `python -m app` otherwise)."""
    if is_frozen():
        return [sys.executable]
    return [sys.executable, "-m", "app"]


@dataclass(frozen=True)
class TesseractSetup:
    cmd: str  # executable to run
    tessdata: Path | None  # folder with *.traineddata, None = Tesseract's compiled-in default
    bundled: bool


def _bundled_tesseract() -> TesseractSetup | None:
    root = bundle_dir() / "tesseract"
    exe = root / ("tesseract.exe" if sys.platform == "win32" else "tesseract")
    if not exe.is_file():
        return None
    return TesseractSetup(str(exe), root / "tessdata", bundled=True)


def find_tesseract() -> TesseractSetup | None:
    """The override, else the bundled copy, else the one on PATH; None when there is none."""
    override = os.environ.get(TESSERACT_ENV)
    if override and Path(override).is_file():
        return TesseractSetup(override, None, bundled=False)
    bundled = _bundled_tesseract()
    if bundled is not None:
        return bundled
    found = shutil.which("tesseract")
    return TesseractSetup(found, None, bundled=False) if found else None


def configure_tesseract() -> TesseractSetup | None:
    """Point pytesseract (and any child process) at the Tesseract to use; returns what was chosen."""
    setup = find_tesseract()
    if setup is None:
        logger.warning("no tesseract executable found (bundle dir %s, PATH)", bundle_dir())
        return None
    if setup.bundled:
        os.environ["TESSDATA_PREFIX"] = str(setup.tessdata)
        if sys.platform != "win32":
            # its own libraries first, then the ones the bundle shares with it (build.spec dedupes)
            current = [p for p in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep) if p]
            wanted = [str(Path(setup.cmd).parent / "lib"), str(bundle_dir())]
            os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(wanted + [p for p in current if p not in wanted])
    try:
        import pytesseract
    except ImportError:  # pragma: no cover - pytesseract is a pinned dependency
        pass
    else:
        pytesseract.pytesseract.tesseract_cmd = setup.cmd
    logger.info("tesseract: %s (bundled=%s)", setup.cmd, setup.bundled)
    return setup
