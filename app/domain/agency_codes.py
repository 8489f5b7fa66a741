"""The agency code that starts every dossier code, and the two placeholders no real code may be.

A point's agency code (mã cơ quan, e.g. 000.00.01.H26) comes from the hub at enrollment, or from IT
in the desk's settings. Until then a desk holds `UNSET_AGENCY_CODE` (what every desk held before
any setup, so older config files still carry it) and makes no dossier code on it: two such points
would make the same codes. A demo home (`python -m app demo`, `--demo`) makes its codes on
`DEMO_AGENCY_CODE`, which says so on every receipt (the length of a real code, so
it fits wherever one does: the register's column, a VietQR reference with its dots); no hub gives either to a point, so a hub refuses
every dossier code made on them.
"""

from __future__ import annotations

UNSET_AGENCY_CODE = "000.00.00.H26"
DEMO_AGENCY_CODE = "DEM.00.00.H26"


def is_unset(agency_code: str) -> bool:
    """No agency code yet: empty, or the placeholder a desk holds before setup."""
    return agency_code.strip() in ("", UNSET_AGENCY_CODE)


def is_demo(agency_code: str) -> bool:
    return agency_code.strip().upper().startswith(("DEM.", "DEMO."))


def is_placeholder(agency_code: str) -> bool:
    """Not a point's agency code: the hub never gives it, and refuses the codes made on it."""
    return is_unset(agency_code) or is_demo(agency_code)
