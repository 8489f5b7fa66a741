-- Schema 3: full-text search. Text is folded in Python (motcua_fold: lower case, no diacritics,
-- đ -> d) before it is indexed, so "Nguyễn Văn Đức" is found by "nguyen van duc" and by "Đức".
-- The index row of a dossier has rowid = dossiers.rid.
CREATE VIRTUAL TABLE dossier_fts USING fts5 (terms, tokenize = 'unicode61');
INSERT INTO dossier_fts (rowid, terms)
    SELECT rid, motcua_fold(coalesce(code, '') || ' ' || coalesce(applicant_name, '') || ' '
        || coalesce(id_number, '') || ' ' || coalesce(procedure_code, ''))
    FROM dossiers;

-- OCR text of scanned documents (local only, personal data: never logged, never in events).
-- One row per document; the FTS row has rowid = document_texts.rid.
CREATE TABLE document_texts (
    rid INTEGER PRIMARY KEY,
    dossier_rid INTEGER NOT NULL REFERENCES dossiers (rid),
    document_id TEXT NOT NULL UNIQUE
);
CREATE INDEX document_texts_dossier ON document_texts (dossier_rid);
CREATE VIRTUAL TABLE document_text USING fts5 (text, tokenize = 'unicode61');
CREATE INDEX dossiers_applicant ON dossiers (applicant_name);
