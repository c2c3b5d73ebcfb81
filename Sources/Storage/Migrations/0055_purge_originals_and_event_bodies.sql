-- The purge goes further (issue 19):
-- * at the end of the process an active candidacy keeps only the re-encoded variants of its
--   published photo; the original upload (with its EXIF: camera, date, place) is deleted
--   from the blob store and the row says when (`original_purged_at`); the row itself stays,
--   since the published curricular answers name it by its hash.
-- * the registration event bodies of a withdrawn candidacy (e-mail, phone, birth date) are
--   reduced to their identifiers on the same schedule as its other sensitive data; the hash
--   of the body as received is kept so that a sender re-sending the same event is still
--   recognised as a repetition, not as a conflicting one.
ALTER TABLE photos ADD COLUMN original_purged_at timestamptz;
ALTER TABLE registration_events
    ADD COLUMN body_sha256 text CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN body_purged_at timestamptz,
    ADD CONSTRAINT registration_events_purged CHECK ((body_purged_at IS NULL) = (body_sha256 IS NULL));
