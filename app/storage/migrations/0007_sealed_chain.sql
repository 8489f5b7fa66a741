-- Schema 7: the keyed audit chain (app/storage/audit.py). `mac` is HMAC-SHA256 under the store's
-- audit key; rows from before get theirs when the store is first opened with its key (adopt_chain),
-- which also seals every event already stored. The chain head lives in sync_state ('audit_head').
ALTER TABLE audit_log ADD COLUMN mac TEXT;
