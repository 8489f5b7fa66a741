-- Schema 7: RESERVED for the store-encryption migration developed on another branch. This placeholder
-- only keeps the numbers contiguous (the runner requires 1..n) so schema 8 can be built and tested here;
-- when the real 0007 is merged, delete this file and regenerate tests/fixtures/db/schema_8.db
-- (`python tests/fixtures/db/make_fixtures.py 8`).
SELECT 1;
