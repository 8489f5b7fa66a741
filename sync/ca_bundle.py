"""The hub's CA bundle as IT picks it on the settings screen: checked, then kept in the desk's home.

The file is checked before anything is saved: PEM, only certificates (a private key in it is a
mistake to refuse, not a file to copy), each one parsed, and the whole loaded the way the TLS
layer will load it. The desk keeps its own copy (`hub-ca.pem`, owner-only): a bundle picked from
a USB stick must still be there when the stick is gone. The sync transport passes the copy as
`verify=` (sync.enroll.load_tls), and it wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE.
"""

from __future__ import annotations

import json
import logging
import os
import re
import ssl
from pathlib import Path

from cryptography import x509

from app.domain.errors import ValidationError
from sync.enroll import CA_FILE, IDENTITY_FILE, write_private

logger = logging.getLogger(__name__)

MAX_CA_BYTES = 1024 * 1024  # a bundle of every public root is about 220 KB
_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s.*?-----END \1-----", re.DOTALL)

NOT_PEM_VI = (
    "Tệp đã chọn không phải chứng chỉ CA dạng PEM (cần tệp .pem hoặc .crt bắt đầu bằng "
    "“-----BEGIN CERTIFICATE-----”). Chưa lưu gì."
)


def check_ca_pem(data: bytes) -> int:
    """How many certificates `data` holds; ValidationError (Vietnamese) if it is not a PEM CA bundle."""
    if len(data) > MAX_CA_BYTES:
        raise ValidationError(f"CA bundle of {len(data)} bytes refused", NOT_PEM_VI)
    kinds = [m.group(1) for m in _BLOCK.finditer(data)]
    if not kinds:
        raise ValidationError("CA bundle holds no PEM block", NOT_PEM_VI)
    if any(kind != b"CERTIFICATE" for kind in kinds):
        raise ValidationError(
            "CA bundle holds a PEM block that is not a certificate",
            "Tệp đã chọn có nội dung khác ngoài chứng chỉ (ví dụ khóa bí mật). "
            "Chỉ chọn tệp chứng chỉ CA của Trung tâm. Chưa lưu gì.",
        )
    try:
        certificates = x509.load_pem_x509_certificates(data)
        ssl.create_default_context(cadata=data.decode("ascii"))  # as the TLS layer will read it
    except (ValueError, UnicodeDecodeError, ssl.SSLError) as exc:
        raise ValidationError(f"CA bundle unreadable: {type(exc).__name__}", NOT_PEM_VI) from exc
    return len(certificates)


def read_ca_bundle(source: Path) -> bytes:
    """The bundle in `source` once checked (check_ca_pem); ValidationError if unreadable or not one."""
    try:
        with open(source, "rb") as fh:
            data = fh.read(MAX_CA_BYTES + 1)
    except OSError as exc:
        raise ValidationError(
            f"CA bundle not readable: {type(exc).__name__}",
            "Không đọc được tệp chứng chỉ đã chọn. Hãy kiểm tra lại tệp. Chưa lưu gì.",
        ) from exc
    check_ca_pem(data)
    return data


def install_ca_bundle(home: Path, source: Path) -> Path:
    """Check `source`, keep a copy in the desk's home and point the enrolled identity at it."""
    data = read_ca_bundle(source)
    count = len(x509.load_pem_x509_certificates(data))
    target = home / CA_FILE
    write_private(target, data.decode("ascii"), mode=0o600)
    identity_path = home / IDENTITY_FILE
    if identity_path.exists():  # enrolled: the next pass verifies the hub against this bundle
        identity = json.loads(identity_path.read_text(encoding="utf-8"))
        identity["ca_bundle"] = os.fspath(target)
        write_private(identity_path, json.dumps(identity), mode=0o644)
    logger.info("hub CA bundle installed (%d certificates)", count)
    return target
