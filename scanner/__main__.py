"""`python -m scanner`: devices, caps, scan, ocr, idcard (for IT staff, scripts and benchmarks)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from scanner.errors import QrNotFoundError, ScannerError
from scanner.sources.base import ScanSettings, never_cancelled, no_progress

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scanner", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("devices", help="list scanners and cameras")
    dev.add_argument("--json", action="store_true")
    dev.add_argument("--no-network", action="store_true", help="skip eSCL discovery on the LAN")
    caps = sub.add_parser("caps", help="what a scanner offers")
    caps.add_argument("--escl", metavar="URL")
    caps.add_argument("--device", metavar="ID")
    caps.add_argument("--json", action="store_true")
    scan = sub.add_parser("scan", help="scan pages to image files")
    scan.add_argument("--device", required=True)
    scan.add_argument("--dpi", type=int, default=300)
    scan.add_argument("--mode", choices=["color", "gray", "bw"], default="color")
    scan.add_argument("--source", choices=["platen", "adf"], default="platen")
    scan.add_argument("--duplex", action="store_true")
    scan.add_argument("--out", required=True, type=Path)
    ocr = sub.add_parser("ocr", help="clean up and OCR images or PDFs of one document")
    ocr.add_argument("inputs", nargs="+", type=Path)
    ocr.add_argument("--lang", default="vie")
    ocr.add_argument("--text", type=Path)
    ocr.add_argument("--pdf", type=Path)
    ocr.add_argument("--json", type=Path)
    ocr.add_argument("--pages", type=Path, help="write each cleaned page image here (page-001.png...)")
    ocr.add_argument("--workers", type=int, default=None)
    ocr.add_argument("--keep-blank", action="store_true")
    idc = sub.add_parser("idcard", help="read the QR code of a CCCD / căn cước card")
    idc.add_argument("image", type=Path)
    return parser


def _devices(args: argparse.Namespace) -> int:
    from scanner.sources import list_devices

    devices = list_devices(discover_network=not args.no_network)
    if args.json:
        print(json.dumps([d.to_json() for d in devices], ensure_ascii=False))
    else:
        for d in devices:
            print(f"{d.id}\t{d.kind}\t{d.name}")
    return 0


def _caps(args: argparse.Namespace) -> int:
    from scanner.sources import open_source
    from scanner.sources.escl import EsclSource

    if not (args.escl or args.device):
        print("caps: give --escl URL or --device ID", file=sys.stderr)
        return 2
    source = EsclSource(args.escl) if args.escl else open_source(args.device)
    caps = source.capabilities().to_json()
    print(json.dumps(caps, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def _scan(args: argparse.Namespace) -> int:
    from PIL import Image

    from scanner.sources import open_source

    source = open_source(args.device)
    settings = ScanSettings(dpi=args.dpi, mode=args.mode, source=args.source, duplex=args.duplex)
    args.out.mkdir(parents=True, exist_ok=True)
    for count, page in enumerate(source.scan(settings, no_progress, never_cancelled), 1):
        path = args.out / f"page-{count:03d}.png"
        Image.fromarray(page.image).save(path, dpi=(page.dpi, page.dpi))
        print(path)
    return 0


def _ocr(args: argparse.Namespace) -> int:
    from scanner.ocr import OcrOptions
    from scanner.pipeline import scan_document
    from scanner.sources.files import FileSource

    options = OcrOptions(lang=args.lang, want_pdf=args.pdf is not None)
    doc = scan_document(
        FileSource(args.inputs),
        ScanSettings(),
        options=options,
        workers=args.workers,
        drop_blank=not args.keep_blank,
        make_pdf=args.pdf is not None,
        title=args.inputs[0].stem,
    )
    if args.text:
        args.text.write_text(doc.text, encoding="utf-8")
    if args.pdf and doc.pdf:
        args.pdf.write_bytes(doc.pdf)
    if args.pages:
        from scanner.pipeline import page_image, page_png

        args.pages.mkdir(parents=True, exist_ok=True)
        for n, result in enumerate(doc.pages, 1):
            (args.pages / f"page-{n:03d}.png").write_bytes(page_png(page_image(result.page)))
    summary = {
        "pages": doc.page_summaries(),
        "dropped_blank": doc.dropped_blank,
        "seconds": round(doc.seconds, 3),
    }
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if not (args.text or args.json):
        print(doc.text)
    return 0


def _idcard(args: argparse.Namespace) -> int:
    from scanner.idcard import read_idcard
    from scanner.sources.base import ScanSettings as Settings
    from scanner.sources.files import FileSource

    page = next(FileSource([args.image]).scan(Settings(), no_progress, never_cancelled))
    try:
        data = read_idcard(page.image)
    except QrNotFoundError as exc:
        print(exc.user_message, file=sys.stderr)
        return 2
    print(json.dumps(data.to_json(), ensure_ascii=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    handlers = {"devices": _devices, "caps": _caps, "scan": _scan, "ocr": _ocr, "idcard": _idcard}
    try:
        return handlers[args.command](args)
    except ScannerError as exc:
        logger.error("%s: %s", type(exc).__name__, exc.log_message)
        print(exc.user_message, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
