"""Payments at the desk: VietQR transfer codes (pure, no I/O)."""
