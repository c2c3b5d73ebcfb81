-- The curricular questionnaire (public once verified): the answers being captured, and
-- the version last published, which stays public while a modification is under way.
CREATE TABLE curricular_questionnaires (
    candidacy_id       text PRIMARY KEY REFERENCES candidacies (id),
    answers            jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
    revision           integer NOT NULL DEFAULT 1 CHECK (revision > 0),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text NOT NULL,
    published_answers  jsonb CHECK (jsonb_typeof(published_answers) = 'object'),
    published_at       timestamptz,
    CONSTRAINT curricular_published_together CHECK ((published_answers IS NULL) = (published_at IS NULL))
);

-- The identity questionnaire (sensitive data), encrypted by the application with AES-256-GCM
-- (SensitiveDataCipher): `ciphertext` is the encrypted JSON followed by the 16-byte tag,
-- `nonce` the 12-byte nonce, `key_id` the configured key's identifier (for rotation).
-- The candidacy id is the authenticated data, so a ciphertext moved to another row does not
-- open. Never plaintext. Blocked once the candidacy is substituted or cancelled, deleted at
-- its retention date (privacy.purge).
CREATE TABLE identity_questionnaires (
    candidacy_id  text PRIMARY KEY REFERENCES candidacies (id),
    ciphertext    bytea NOT NULL CHECK (octet_length(ciphertext) > 16),
    nonce         bytea NOT NULL CHECK (octet_length(nonce) = 12),
    key_id        text NOT NULL CHECK (btrim(key_id) <> ''),
    revision      integer NOT NULL DEFAULT 1 CHECK (revision > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NOT NULL,
    blocked_at    timestamptz
);
-- Re-encryption after a key rotation walks the rows of the old key.
CREATE INDEX identity_questionnaires_key_idx ON identity_questionnaires (key_id);

-- Consent records: each decision to grant or revoke the publication of the identity
-- answers, append-only; the current consent is the latest row. A signed consent document,
-- when there is one, lives encrypted in the blob store under its SHA-256.
CREATE TABLE identity_consents (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    candidacy_id       text NOT NULL REFERENCES candidacies (id),
    decision           text NOT NULL CHECK (decision IN ('granted', 'revoked')),
    decided_at         timestamptz NOT NULL,
    decided_by         text NOT NULL,
    document_sha256    text CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
    document_key_id    text,
    CONSTRAINT identity_consents_document_key CHECK ((document_sha256 IS NULL) = (document_key_id IS NULL))
);
CREATE INDEX identity_consents_candidacy_idx ON identity_consents (candidacy_id, decided_at DESC, id DESC);

-- Acceptance of the privacy notice, required before any capture.
CREATE TABLE privacy_notice_acceptances (
    candidacy_id    text NOT NULL REFERENCES candidacies (id),
    notice_version  text NOT NULL,
    accepted_by     text NOT NULL,
    accepted_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (candidacy_id, notice_version)
);
