-- The SHA-256 of each row's encoded public document (NULL for rows written before): a full
-- rebuild keeps the open rows whose document and display key did not change and closes and
-- writes only the others, so a rebuild in which few profiles changed writes few rows.
ALTER TABLE published_profiles ADD COLUMN document_sha256 bytea;
