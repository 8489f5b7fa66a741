"""Printable A4 forms (fpdf2, embedded Noto Serif): each function returns the PDF as bytes."""

from app.forms.control import default_handoffs, render_control_slip
from app.forms.guidance import render_guidance
from app.forms.receipt import ReceiptExtras, render_receipt
from app.forms.register import render_register
from app.forms.slips import render_apology, render_refusal, render_supplement_request

__all__ = [
    "ReceiptExtras",
    "default_handoffs",
    "render_apology",
    "render_control_slip",
    "render_guidance",
    "render_receipt",
    "render_refusal",
    "render_register",
    "render_supplement_request",
]
