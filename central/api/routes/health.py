from __future__ import annotations

from fastapi import APIRouter, Request

from sync.protocol import Health

router = APIRouter()


@router.get("/health")
def health(request: Request) -> Health:
    """Liveness, with no credentials: it says nothing but the protocol and the database kind."""
    return Health(database=request.app.state.db.engine.dialect.name)
