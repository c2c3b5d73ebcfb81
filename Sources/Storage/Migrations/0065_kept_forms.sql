-- Capture forms posted after the session expired (issue 26): the body is kept, sealed with
-- the sensitive-data key (identity answers may be in it), so that the same browser gets it
-- back after signing in. A row is found by the SHA-256 of the browser's CSRF token (the POST
-- carried it, which proves the form came from this site's page in that browser) and the
-- form's path; it is deleted when the form is saved or discarded, and purged at expires_at
-- (sessions.purge).
CREATE TABLE kept_forms (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    browser_hash  bytea NOT NULL CHECK (octet_length(browser_hash) = 32),
    path          text NOT NULL CHECK (path ~ '^/candidaturas/[^/]+/(curricular|identidad)$'),
    ciphertext    bytea NOT NULL CHECK (octet_length(ciphertext) > 16),
    nonce         bytea NOT NULL CHECK (octet_length(nonce) = 12),
    key_id        text NOT NULL CHECK (btrim(key_id) <> ''),
    kept_at       timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    CONSTRAINT kept_forms_expiry CHECK (expires_at > kept_at)
);
CREATE INDEX kept_forms_browser_idx ON kept_forms (browser_hash, path, kept_at DESC);
CREATE INDEX kept_forms_expires_idx ON kept_forms (expires_at);
