"""`motcua setup`: first-run setup of a desk for IT staff (the same as the setup dialog, scripted).

    motcua setup --point-code HN-CG --point-name "Điểm phục vụ Cầu Giấy" --agency-code 000.00.17.H26 \
        --desk 2 [--hub https://hub.example --enroll-code CODE] [--scanner sane:test:0] \
        [--printer NAME] [--saturday-reception yes|no] [--test-scan] [--test-print] [--retry-enrollment]

Settings go to `$MOTCUA_HOME/config.toml`. Enrollment works offline: without a link to the hub the
code is kept (`pending_enrollment` in config.toml) and redeemed later by `complete_pending_enrollment`
(called by `--retry-enrollment`, and by the desk at start-up).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from app.config import data_home, load_settings, save_settings
from app.domain.errors import AppError, ValidationError
from app.logs import setup_logging

logger = logging.getLogger(__name__)

PENDING_KEY = "pending_enrollment"


@dataclass
class SetupRequest:
    point_code: str | None = None
    point_name: str | None = None
    agency_code: str | None = None
    desk: int | None = None
    hub_url: str | None = None
    enroll_code: str | None = None
    scanner: str | None = None
    printer: str | None = None
    saturday_reception: bool | None = None


def apply_setup(request: SetupRequest, home: Path) -> str:
    """Save the settings (only the fields given), then try the enrollment; returns its outcome."""
    settings = load_settings(home)
    for name in ("point_code", "point_name", "agency_code", "desk", "saturday_reception"):
        value = getattr(request, name)
        if value is not None:
            setattr(settings, name, value.strip() if isinstance(value, str) else value)
    if request.scanner is not None:
        settings.scanner_device = request.scanner
    if request.printer is not None:
        settings.printer = request.printer
    if not settings.point_code.strip() or not settings.agency_code.strip():
        raise ValidationError("point/agency code empty", "Cần nhập mã điểm phục vụ và mã cơ quan.")
    if request.enroll_code:
        if not request.hub_url and not settings.hub_url:
            raise ValidationError(
                "enroll code without hub", "Cần nhập địa chỉ máy chủ trung tâm kèm mã đăng ký."
            )
        hub = (request.hub_url or settings.hub_url).rstrip("/")
        settings.extra[PENDING_KEY] = {"hub_url": hub, "code": request.enroll_code.strip()}
    elif request.hub_url is not None:
        settings.hub_url = request.hub_url.rstrip("/")
    save_settings(settings, home)
    logger.info("setup saved: point %s desk %d", settings.point_code, settings.desk)
    return complete_pending_enrollment(home)


def complete_pending_enrollment(home: Path) -> str:
    """Redeem a stored enrollment code if there is one: "none", "enrolled", "pending" (offline) or "refused"."""
    pending = load_settings(home).extra.get(PENDING_KEY)
    if not pending:
        return "none"
    try:
        from sync.enroll import enroll
        from sync.errors import EnrollCodeError, OfflineError
    except ImportError:
        logger.warning("sync is not part of this build; enrollment stays pending")
        return "pending"
    try:
        answer = enroll(home, pending["hub_url"], pending["code"])
    except OfflineError as exc:
        logger.info("hub unreachable, enrollment stays pending: %s", exc.log_message)
        return "pending"
    except EnrollCodeError as exc:
        logger.warning("hub refused the enrollment code: %s", exc.log_message)
        _drop_pending(home)
        return "refused"
    _drop_pending(home)
    logger.info("enrolled as device %s (point %s, desk %d)", answer.device_id, answer.point_code, answer.desk)
    return "enrolled"


def _drop_pending(home: Path) -> None:
    settings = load_settings(home)  # enroll() may have rewritten point code, desk and hub
    settings.extra.pop(PENDING_KEY, None)
    save_settings(settings, home)


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


MESSAGES = {
    "none": "Chưa đăng ký với máy chủ trung tâm (không có mã đăng ký).",
    "enrolled": "Đã đăng ký với máy chủ trung tâm.",
    "pending": "Chưa kết nối được máy chủ trung tâm: mã đăng ký đã được lưu, sẽ đăng ký khi có mạng.",
    "refused": "Máy chủ trung tâm từ chối mã đăng ký (sai hoặc đã dùng). Hãy xin mã mới.",
}


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
            outcome = complete_pending_enrollment(home)
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
            outcome = apply_setup(request, home)
        settings = load_settings(home)
        print(f"Đã lưu cấu hình: {home / 'config.toml'} (điểm {settings.point_code}, bàn {settings.desk})")
        print(MESSAGES[outcome])
        if args.test_scan:
            print(test_scan(settings.scanner_device))
        if args.test_print or args.test_print_pdf:
            print(test_print(settings.printer, args.test_print_pdf))
    except AppError as exc:
        logger.error("setup failed: %s", exc.log_message)
        print(exc.user_message, file=sys.stderr)
        return 1
    except Exception as exc:  # a test scan/print failure: tell IT staff exactly what broke
        logger.exception("setup step failed")
        print(f"Lỗi: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 3 if outcome == "refused" else 0
