-- Sign-in: sessions shared by every server process, login attempts for rate limiting, and
-- password reset links. Like activation tokens, only the SHA-256 of a session cookie or a
-- reset token is stored: a copy of this table lets nobody in.
CREATE TABLE web_sessions (
    token_hash     bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    -- Idle expiry, pushed forward as the person works (security.session_ttl_minutes).
    expires_at     timestamptz NOT NULL,
    -- Absolute expiry: a session never outlives this, however active.
    ends_at        timestamptz NOT NULL,
    CONSTRAINT web_sessions_expiry CHECK (expires_at <= ends_at)
);
CREATE INDEX web_sessions_account_idx ON web_sessions (account_id);
CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at);

-- One row per sign-in attempt; failures in a recent window limit further attempts per
-- username and per client address. Old rows are purged on schedule.
CREATE TABLE login_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        text NOT NULL,
    client_address  text NOT NULL,
    succeeded       boolean NOT NULL,
    attempted_at    timestamptz NOT NULL
);
CREATE INDEX login_attempts_username_idx ON login_attempts (username, attempted_at) WHERE NOT succeeded;
CREATE INDEX login_attempts_address_idx ON login_attempts (client_address, attempted_at) WHERE NOT succeeded;

CREATE TABLE password_resets (
    token_hash   bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX password_resets_account_idx ON password_resets (account_id);
