"""Devices (enrollment codes with a QR, list, revoke), calendar publishing, reports with XLSX export."""

from __future__ import annotations

import io
import json
import logging
from datetime import date, timedelta

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import func, select

from central import crud, ingest
from central.console.auth import Actor
from central.console.dashboard import visible_points
from central.console.dates import DateInputError, parse_vn_date, vn_date
from central.console.index import today
from central.console.models import DeviceSeen, PointDay
from central.console.web import ActorDep, WriterDep, database, render, require
from central.models import Device, Publication

logger = logging.getLogger(__name__)
router = APIRouter()
COUNTERS = ("received", "returned", "returned_on_time", "rated", "satisfied")
HEADERS_VI = (
    "Điểm phục vụ",
    "Tiếp nhận",
    "Đã trả",
    "Trả đúng hạn",
    "Tỷ lệ đúng hạn",
    "Đã đánh giá",
    "Hài lòng",
)


ENROLL_REFUSED_VI = (
    "Không cấp được mã: lần đầu cấp mã cho một điểm cần mã cơ quan của điểm (dạng 000.00.01.H26), "
    "mã này không được trùng với điểm khác và không đổi sau khi đã cấp."
)


def qr_svg(text: str) -> Markup:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return Markup(image.to_string(encoding="unicode"))  # our own SVG, from a code we generated


@router.get("/thiet-bi", response_class=HTMLResponse)
def devices(request: Request, actor: ActorDep) -> HTMLResponse:
    require(actor, "admin", "director", "auditor")
    return _devices_page(request, actor)


def _devices_page(request: Request, actor: Actor, status: int = 200, error: str = "") -> HTMLResponse:
    with database(request).session() as s:
        points = visible_points(s, actor.role, actor.branch_code)
        rows = s.execute(
            select(Device, DeviceSeen.last_seen)
            .outerjoin(DeviceSeen, DeviceSeen.device_id == Device.id)
            .where(Device.point_code.in_(points))
            .order_by(Device.point_code, Device.desk)
        ).all()
    from central.console.pages import fmt_ms

    return render(
        request, "devices.html", actor, status, rows=rows, fmt_ms=fmt_ms, points=points, error=error
    )


@router.post("/thiet-bi/ma-dang-ky", response_class=HTMLResponse)
def enroll_code(
    request: Request,
    actor: WriterDep,
    point: str = Form(...),
    desk: int = Form(...),
    agency_code: str = Form(""),
) -> Response:
    """A one-time code for a desk; a point's first code also gives its agency code (as `enroll-code`)."""
    require(actor, "admin")
    point = point.strip()[:40]
    if not point or not 1 <= desk <= 99:
        raise HTTPException(422, "point and desk 1-99 required")
    hours = request.app.state.settings.enroll_code_hours
    try:
        with database(request).session() as s:
            code = crud.create_enroll_code(s, point, desk, hours, agency_code.strip()[:40] or None)
    except crud.PointSetupError as exc:
        logger.info("enrollment code for point %s refused: %s", point, exc)
        return _devices_page(request, actor, 422, ENROLL_REFUSED_VI)
    hub = str(request.base_url).rstrip("/")
    return render(
        request, "enroll_code.html", actor, code=code, point=point, desk=desk, hub=hub, qr=qr_svg(code)
    )


@router.post("/thiet-bi/{device_id}/thu-hoi")
def revoke(request: Request, actor: WriterDep, device_id: str) -> Response:
    require(actor, "admin")
    with database(request).session() as s:
        if not crud.revoke_device(s, device_id[:64]):
            raise HTTPException(404, "no such device")
    logger.info("operator %d revoked device %s", actor.id, device_id)
    return RedirectResponse("/thiet-bi", status_code=303)


@router.get("/lich", response_class=HTMLResponse)
def calendar_page(request: Request, actor: ActorDep, msg: str = "") -> HTMLResponse:
    require(actor, "admin", "auditor")
    with database(request).session() as s:
        pubs = list(
            s.scalars(
                select(Publication)
                .where(Publication.kind == "calendar")
                .order_by(Publication.id.desc())
                .limit(10)
            )
        )
    return render(request, "calendar.html", actor, pubs=pubs, msg=msg, error="")


def check_calendar(text: str) -> dict[str, object]:
    """A calendar overlay: {"year": int, "holidays": [YYYY-MM-DD...], "workdays": [...] optional}."""
    body = json.loads(text)
    if not isinstance(body, dict) or not isinstance(body.get("year"), int):
        raise ValueError("year missing")
    for key in ("holidays", "workdays"):
        for day in body.get(key) or []:
            date.fromisoformat(str(day))
    return body


@router.post("/lich", response_class=HTMLResponse)
def calendar_publish(request: Request, actor: WriterDep, body: str = Form(...)) -> Response:
    require(actor, "admin")
    try:
        doc = check_calendar(body[:200_000])
    except (ValueError, TypeError) as exc:
        logger.info("calendar publish refused: %s", exc)
        return render(
            request,
            "calendar.html",
            actor,
            pubs=[],
            msg="",
            status=422,
            error='Lịch không hợp lệ: cần JSON có "year" và các ngày dạng YYYY-MM-DD.',
        )
    with database(request).session() as s:
        pub = ingest.publish(s, "calendar", doc)
    logger.info("operator %d published calendar #%d", actor.id, pub)
    return RedirectResponse(f"/lich?msg={pub}", status_code=303)


def report_rows(request: Request, actor: ActorDep, start: str, end: str) -> list[tuple[str, list[int]]]:
    with database(request).session() as s:
        points = visible_points(s, actor.role, actor.branch_code)
        sums = {
            p: [int(v or 0) for v in vals]
            for p, *vals in s.execute(
                select(PointDay.point_code, *(func.sum(getattr(PointDay, c)) for c in COUNTERS))
                .where(PointDay.point_code.in_(points), PointDay.day >= start, PointDay.day <= end)
                .group_by(PointDay.point_code)
            )
        }
    return [(p, sums.get(p, [0] * len(COUNTERS))) for p in points]


def _range(start: str, end: str) -> tuple[str, str]:
    """The report's days from the form (dd/mm/yyyy; empty: this month so far); DateInputError if not."""
    last = parse_vn_date(end, "Đến ngày") if end.strip() else date.fromisoformat(today())
    first = parse_vn_date(start, "Từ ngày") if start.strip() else last.replace(day=1)
    if first > last:
        raise DateInputError("“Từ ngày” phải trước hoặc trùng “Đến ngày”.")
    if last - first > timedelta(days=366):
        raise DateInputError("Báo cáo chỉ lấy tối đa một năm: hãy thu hẹp khoảng ngày.")
    return first.isoformat(), last.isoformat()


def _refused(request: Request, actor: Actor, tu: str, den: str, exc: DateInputError) -> HTMLResponse:
    """The report form again with what was typed and why it cannot be read (422)."""
    logger.info("report dates refused")  # what was typed stays out of the log
    return render(
        request,
        "report.html",
        actor,
        422,
        rows=[],
        total=[],
        start="",
        end="",
        tu=tu[:20],
        den=den[:20],
        error=exc.message,
        headers=HEADERS_VI,
    )


@router.get("/bao-cao", response_class=HTMLResponse)
def report(request: Request, actor: ActorDep, tu: str = "", den: str = "") -> HTMLResponse:
    require(actor, "admin", "director", "auditor")
    try:
        start, end = _range(tu, den)
    except DateInputError as exc:
        return _refused(request, actor, tu, den, exc)
    rows = report_rows(request, actor, start, end)
    total = [sum(r[1][i] for r in rows) for i in range(len(COUNTERS))]
    return render(
        request,
        "report.html",
        actor,
        rows=rows,
        total=total,
        start=start,
        end=end,
        tu=vn_date(start),
        den=vn_date(end),
        error="",
        headers=HEADERS_VI,
    )


@router.get("/bao-cao.xlsx")
def report_xlsx(request: Request, actor: ActorDep, tu: str = "", den: str = "") -> Response:
    require(actor, "admin", "director", "auditor")
    from openpyxl import Workbook

    try:
        start, end = _range(tu, den)
    except DateInputError as exc:
        return _refused(request, actor, tu, den, exc)
    rows = report_rows(request, actor, start, end)
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append([f"Báo cáo từ {vn_date(start)} đến {vn_date(end)}"])
    ws.append(list(HEADERS_VI))
    total = [0] * len(COUNTERS)
    for point, v in rows:
        ws.append([point, v[0], v[1], v[2], _rate(v[2], v[1]), v[3], v[4]])
        total = [a + b for a, b in zip(total, v, strict=True)]
    ws.append(
        [
            "Toàn thành phố" if actor.role != "director" else "Cả chi nhánh",
            total[0],
            total[1],
            total[2],
            _rate(total[2], total[1]),
            total[3],
            total[4],
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="bao-cao-{start}-{end}.xlsx"'},
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
