"""The desk's local store: SQLite (WAL) event log + outbox + projections, and the blob store.

db = open_db(path)                         # migrates to the latest schema
with db.transaction(): ...                 # BEGIN IMMEDIATE / COMMIT / ROLLBACK
blobs = BlobStore(root); ref = blobs.put_bytes(data); blobs.open(ref.sha256)
app.storage.events.append_event(db, dossier_id, type, payload, actor)
app.storage.outbox.pending_events(db, limit) ...  (the sync engine's API)
"""

from app.storage.blobs import BlobStore, record_blob
from app.storage.db import Database, open_db

__all__ = ["BlobStore", "Database", "open_db", "record_blob"]
