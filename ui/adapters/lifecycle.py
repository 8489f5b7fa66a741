"""The dossier screen's later actions through app.services (one transaction each)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.domain.errors import ValidationError
from app.domain.state import DossierState, Status
from app.services import clerks, intake, lifecycle, returns
from app.services.queries import get_dossier
from ui.adapters.session import service_desk
from ui.context import DeskContext

ACTIONS = (
    "correct",
    "cancel",
    "stop",
    "handoff",
    "record_result",
    "postal",
    "add_documents",
    "request_extension",
    "decline_extension",
    "withdraw_extension",
)


def _head_id(ctx: DeskContext, v: dict[str, Any]) -> str:
    """The head's account, checked by password (the role itself is checked inside the service)."""
    if not v.get("head_username") or not v.get("head_password"):
        raise ValidationError("head approval missing", "Cần trưởng điểm đăng nhập để duyệt.")
    return clerks.login(ctx.db, str(v["head_username"]), str(v["head_password"])).id


def perform(ctx: DeskContext, action: str, dossier_id: str, v: dict[str, Any]) -> DossierState:
    desk = service_desk(ctx)
    if action == "correct":
        return intake.correct(desk, dossier_id, {"applicant": v["applicant"]}, v["reason"])
    if action == "cancel":
        return lifecycle.cancel_entry(desk, dossier_id, v["reason"], approver_id=_head_id(ctx, v))
    if action == "stop":
        head = replace(desk, clerk_id=_head_id(ctx, v))  # form 05 is signed by the head
        signer = clerks.get_clerk(ctx.db, str(v["head_username"])).full_name
        return lifecycle.stop_processing(head, dossier_id, v["reason"], signer)
    if action == "handoff":
        keys = ("direction", "giver", "taker", "from_unit", "to_unit", "note")
        return lifecycle.hand_off(desk, dossier_id, **{k: str(v[k]) for k in keys})
    if action == "record_result":
        return lifecycle.record_result(
            desk, dossier_id, v["kind"], v.get("note", ""), v.get("outcome", "result")
        )
    if action == "add_documents":  # completes a supplement request: the time is counted again
        waiting = get_dossier(ctx.db, dossier_id).status is Status.SUPPLEMENT_REQUESTED
        return intake.add_documents(desk, dossier_id, v["documents"], completes_supplement=waiting)
    if action == "request_extension":  # form 04 asked for: pending until the head signs (`apology`)
        return returns.request_extension(desk, dossier_id, v["reason"], v["new_due_date"])
    if action == "withdraw_extension":
        return returns.withdraw_extension(desk, dossier_id, str(v.get("reason") or ""))
    if action == "decline_extension":  # the head's decision: logged in, or with their own login here
        signer = ctx.clerk_name
        if v.get("head_username"):
            desk = replace(desk, clerk_id=_head_id(ctx, v))
            signer = clerks.get_clerk(ctx.db, str(v["head_username"])).full_name
        return returns.decline_extension(desk, dossier_id, v["reason"], signer)
    if action == "postal":
        return lifecycle.update_postal(desk, dossier_id, v["status"], v.get("tracking_no", ""))
    raise ValueError(f"unknown action {action}")


def apology(ctx: DeskContext, dossier_id: str, v: dict[str, Any]) -> DossierState:
    """Form 04, signed by the head: the logged-in head, or a head approving at a clerk's desk (which
    approves the clerk's pending request, if there is one)."""
    desk = service_desk(ctx)
    if v.get("head_username"):
        desk = replace(desk, clerk_id=_head_id(ctx, v))
        signer = clerks.get_clerk(ctx.db, str(v["head_username"])).full_name
    else:
        signer = ctx.clerk_name
    return returns.issue_apology(desk, dossier_id, v["reason"], v["new_due_date"], signer)
