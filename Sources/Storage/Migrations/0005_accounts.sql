-- Accounts: one per candidacy (the candidate), one generic account per party, coalition or
-- independent candidacy (its representative), and staff accounts. The activation token is
-- sent by e-mail and only its SHA-256 is stored; the password hash (bcrypt) is set at
-- activation. No plaintext secret lives in this table.
CREATE TABLE accounts (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username               text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    email                  text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    display_name           text NOT NULL CHECK (btrim(display_name) <> ''),
    role                   text NOT NULL CHECK (role IN (
                               'persona_candidata', 'representacion',
                               'instancia_interna', 'igualdad_genero', 'informatica')),
    process_id             text REFERENCES election_processes (id),
    candidacy_id           text REFERENCES candidacies (id),
    entity_kind            text,
    entity_code            text,
    password_hash          text CHECK (password_hash ~ '^\$2[abxy]?\$'),           -- bcrypt
    activation_token_hash  bytea CHECK (octet_length(activation_token_hash) = 32),  -- SHA-256
    activation_expires_at  timestamptz,
    activated_at           timestamptz,
    credentials_sent_at    timestamptz,
    disabled_at            timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (process_id, entity_kind, entity_code) REFERENCES postulating_entities (process_id, kind, code),
    CONSTRAINT accounts_candidate_has_candidacy CHECK ((role = 'persona_candidata') = (candidacy_id IS NOT NULL)),
    CONSTRAINT accounts_representative_has_entity CHECK ((role = 'representacion') = (entity_code IS NOT NULL)),
    CONSTRAINT accounts_entity_complete CHECK ((entity_kind IS NULL) = (entity_code IS NULL)),
    CONSTRAINT accounts_scoped_to_process CHECK (role NOT IN ('persona_candidata', 'representacion') OR process_id IS NOT NULL),
    CONSTRAINT accounts_token_expires CHECK ((activation_token_hash IS NULL) = (activation_expires_at IS NULL)),
    CONSTRAINT accounts_activated_has_password CHECK (activated_at IS NULL OR password_hash IS NOT NULL)
);

-- One candidate account per candidacy; one live generic account per entity.
CREATE UNIQUE INDEX accounts_candidacy_idx ON accounts (candidacy_id) WHERE candidacy_id IS NOT NULL;
CREATE UNIQUE INDEX accounts_entity_idx ON accounts (process_id, entity_kind, entity_code)
    WHERE role = 'representacion' AND disabled_at IS NULL;
-- Activation looks the account up by the hash of the token in the link.
CREATE UNIQUE INDEX accounts_activation_idx ON accounts (activation_token_hash) WHERE activation_token_hash IS NOT NULL;
CREATE INDEX accounts_email_idx ON accounts (lower(email));
