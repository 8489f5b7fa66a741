"""The point's queue: pure rules and the service's SQLite state (the HTTP service lives in sync.queue_service)."""
