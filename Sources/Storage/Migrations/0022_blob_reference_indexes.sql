-- The privacy purge asks, for each blob it may delete, whether any row still refers to it,
-- and finds a candidacy's photos; at national scale these lookups need indexes.
CREATE INDEX photos_candidacy_idx ON photos (candidacy_id);
CREATE INDEX photo_variants_sha256_idx ON photo_variants (sha256);
CREATE INDEX consent_documents_sha256_idx ON consent_documents (sha256);
CREATE INDEX identity_consents_document_idx ON identity_consents (document_sha256) WHERE document_sha256 IS NOT NULL;
