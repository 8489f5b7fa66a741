-- Schema 8: catalog format 2 (per-channel time and fee, exemptions, case groups, alternatives,
-- present-only papers, legal documents, agencies, source; app/catalog/terms.py). Every new field is
-- optional, so the format-1 procedures already stored in catalog_version stay valid and are not rewritten.
-- Search ranks by the folded name without the portal's leading "Thủ tục" (app.catalog.store._ranking_name).
UPDATE catalog_procedure SET name_folded = substr(name_folded, 9) WHERE name_folded LIKE 'thu tuc %';
UPDATE catalog_meta SET value = '2' WHERE key = 'schema_version';
-- forget which shipped catalog was loaded: the next start imports the one this program ships
-- (app.catalog.store.ensure_loaded adds new procedures and versions, keeps every old version)
DELETE FROM catalog_meta WHERE key = 'shipped_sha256';
