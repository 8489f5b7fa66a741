from __future__ import annotations

from fastapi import APIRouter

from sync.protocol import Health

router = APIRouter()


@router.get("/health")
def health() -> Health:
    """Liveness, with no credentials: it says nothing but "ok" and the protocol version."""
    return Health()
