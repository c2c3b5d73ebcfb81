-- Cheaper snapshot writes (issue 8: a full rebuild of 30,000 profiles within 10 s).
--
-- 1. The SHA-256 of each row's encoded public document (NULL for rows written before): a full
--    rebuild keeps the open rows whose document and display key did not change and closes and
--    writes only the others.
-- 2. The public document is stored as the text the application encoded, not as jsonb: it is
--    only ever read whole and decoded by the application, and parsing 30,000 documents into
--    jsonb and printing them back cost more than half of a rebuild's write. The three fields
--    SQL needed from it (entity and office names for the compliance table, whether it has a
--    photo for the export) are columns of `published_profiles`.
-- 3. lz4 instead of pglz for the documents' TOAST compression, where the server has it.
ALTER TABLE published_profiles ADD COLUMN document_sha256 bytea,
                               ADD COLUMN entity_name text,
                               ADD COLUMN office_name text,
                               ADD COLUMN has_photo boolean NOT NULL DEFAULT false;
UPDATE published_profiles p
   SET entity_name = d.document->>'entityName', office_name = d.document->>'officeName',
       has_photo = coalesce(jsonb_typeof(d.document->'photo') = 'object', false)
  FROM published_documents d
 WHERE d.process_id = p.process_id AND d.candidacy_id = p.candidacy_id AND d.first_version = p.first_version;
UPDATE published_profiles SET entity_name = entity_code WHERE entity_name IS NULL;
UPDATE published_profiles SET office_name = office_code WHERE office_name IS NULL;
ALTER TABLE published_profiles ALTER COLUMN entity_name SET NOT NULL, ALTER COLUMN office_name SET NOT NULL;

ALTER TABLE published_documents DROP CONSTRAINT IF EXISTS published_documents_document_check;
ALTER TABLE published_documents ALTER COLUMN document TYPE text USING document::text;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE published_documents ALTER COLUMN document SET COMPRESSION lz4;
    END IF;
END $$;
