-- Photos of profiles. The files live in the content-addressed blob store; these rows hold
-- what PostgreSQL needs: each blob's SHA-256, size, type, dimensions, the capture date
-- (EXIF or declared) and the photo check's outcome. Variants are derived files (the
-- published copy without metadata, smaller sizes).
CREATE TABLE photos (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    candidacy_id      text NOT NULL REFERENCES candidacies (id),
    sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    byte_count        integer NOT NULL CHECK (byte_count > 0),
    content_type      text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width             integer CHECK (width > 0),
    height            integer CHECK (height > 0),
    taken_on          date,
    taken_on_source   text CHECK (taken_on_source IN ('exif', 'declared')),
    status            text NOT NULL DEFAULT 'received'
                          CHECK (status IN ('received', 'accepted', 'rejected', 'replaced')),
    rejection_reason  text,
    uploaded_by       text NOT NULL,
    uploaded_at       timestamptz NOT NULL DEFAULT now(),
    checked_at        timestamptz,
    CONSTRAINT photos_taken_on_source CHECK ((taken_on IS NULL) = (taken_on_source IS NULL)),
    CONSTRAINT photos_rejection_reason CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL)),
    CONSTRAINT photos_checked CHECK (status IN ('received', 'replaced') OR checked_at IS NOT NULL)
);
-- At most one current (received or accepted) photo per candidacy.
CREATE UNIQUE INDEX photos_current_idx ON photos (candidacy_id) WHERE status IN ('received', 'accepted');
CREATE INDEX photos_sha256_idx ON photos (sha256);

CREATE TABLE photo_variants (
    photo_id      uuid NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    variant       text NOT NULL CHECK (variant IN ('published', 'medium', 'thumbnail')),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    byte_count    integer NOT NULL CHECK (byte_count > 0),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (photo_id, variant)
);
