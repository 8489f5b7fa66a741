"""`motcua setup`: first-run setup of a desk for IT staff (the same as the setup dialog, scripted).

    motcua setup --point-code HN-CG --point-name "Điểm phục vụ Cầu Giấy" --agency-code 000.00.17.H26 \
        --desk 2 [--hub https://hub.example --enroll-code CODE] [--scanner sane:test:0] \
        [--printer NAME] [--saturday-reception yes|no] [--test-scan] [--test-print] [--retry-enrollment]

Settings go to `$MOTCUA_HOME/config.toml`. Enrollment works offline: without a link to the hub the
code is kept (`pending_enrollment` in config.toml) and redeemed later by `ui.ops.enroll.complete_pending`
(called by `--retry-enrollment`, and by the desk at start-up). The work is `ui.ops.enroll`; this is its CLI.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from app.config import data_home, load_settings
from app.domain.errors import AppError
from app.logs import setup_logging
from sync.errors import InsecureHubError
from ui.ops import enroll
from ui.ops.base import never_cancelled, no_progress
from ui.ops.enroll import OUTCOME_VI, SetupRequest

logger = logging.getLogger(__name__)


def list_scanners() -> list[tuple[str, str]]:
    """(id, name) of every scanner SANE (or TWAIN on Windows) can see now."""
    from scanner.sources.sane import list_sane_devices

    return [(d.id, d.name) for d in list_sane_devices()]


def test_scan(device: str) -> str:
    """Scan one page at 150 dpi in gray; returns a line for the IT staff."""
    from scanner.sources.base import ScanSettings, never_cancelled, no_progress
    from scanner.sources.sane import SaneSource

    pages = list(
        SaneSource(device).scan(ScanSettings(dpi=150, mode="gray", max_pages=1), no_progress, never_cancelled)
    )
    if not pages:
        raise RuntimeError(f"scanner {device} returned no page")
    return f"quét thử được {len(pages)} trang {pages[0].width}×{pages[0].height} px ở {pages[0].dpi} dpi"


def test_print(printer: str, pdf: Path | None = None) -> str:
    """Print a one-page test sheet on `printer` (or into `pdf`); returns a line for the IT staff."""
    from ui.cli.selftest import print_test_page

    return print_test_page(printer, pdf)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="motcua setup", description=__doc__.split("\n", 1)[0])
    p.add_argument("--point-code")
    p.add_argument("--point-name")
    p.add_argument("--agency-code")
    p.add_argument("--desk", type=int)
    p.add_argument("--hub", dest="hub_url")
    p.add_argument("--enroll-code")
    p.add_argument("--scanner", help="scanner id, e.g. sane:test:0 (see --list-scanners)")
    p.add_argument("--printer", help="printer name as the system knows it")
    p.add_argument("--saturday-reception", choices=("yes", "no"))
    p.add_argument("--list-scanners", action="store_true")
    p.add_argument("--test-scan", action="store_true", help="scan one page from the chosen scanner")
    p.add_argument("--test-print", action="store_true", help="print a test page on the chosen printer")
    p.add_argument("--test-print-pdf", type=Path, help="print the test page into this PDF instead")
    p.add_argument("--retry-enrollment", action="store_true", help="only redeem a stored enrollment code")
    return p


INSECURE_HUB_VI = (
    "Không đăng ký: địa chỉ máy chủ Trung tâm phải bắt đầu bằng https:// (http:// chỉ dùng được "
    "trên chính máy này). Mã đăng ký chưa bị dùng; hãy chạy lại với --hub https://… và mã đó."
)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    home = data_home()
    setup_logging(home, stderr=False)
    try:
        if args.list_scanners:
            for dev_id, name in list_scanners():
                print(f"{dev_id}\t{name}")
            return 0
        if args.retry_enrollment:
            outcome = enroll.complete_pending(home, no_progress, never_cancelled)
        else:
            saturday = None if args.saturday_reception is None else args.saturday_reception == "yes"
            fields = {k: getattr(args, k) for k in ("point_code", "point_name", "agency_code", "desk")}
            request = SetupRequest(
                **fields,
                hub_url=args.hub_url,
                enroll_code=args.enroll_code,
                scanner=args.scanner,
                printer=args.printer,
                saturday_reception=saturday,
            )
            outcome = enroll.run(home, request, no_progress, never_cancelled)
        settings = load_settings(home)
        print(f"Đã lưu cấu hình: {home / 'config.toml'} (điểm {settings.point_code}, bàn {settings.desk})")
        print(OUTCOME_VI[outcome])
        if args.test_scan:
            print(test_scan(settings.scanner_device))
        if args.test_print or args.test_print_pdf:
            print(test_print(settings.printer, args.test_print_pdf))
    except InsecureHubError as exc:  # http:// to another machine: refused before anything was sent
        logger.error("setup failed: %s", exc.log_message)
        print(INSECURE_HUB_VI, file=sys.stderr)
        return 1
    except AppError as exc:
        logger.error("setup failed: %s", exc.log_message)
        print(exc.user_message, file=sys.stderr)
        return 1
    except Exception as exc:  # a test scan/print failure: tell IT staff exactly what broke
        logger.exception("setup step failed")
        print(f"Lỗi: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 3 if outcome == "refused" else 0
