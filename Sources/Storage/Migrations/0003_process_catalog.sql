-- Offices and postulating entities of each registered process, copied from the process
-- file (config/processes/<id>.yaml) by ProcessStore.register so that candidacies can
-- reference them with foreign keys. The process file stays the source of truth: these
-- rows are refreshed (upserted) every time the process is registered, never edited by hand.
CREATE TABLE offices (
    process_id  text NOT NULL REFERENCES election_processes (id),
    code        text NOT NULL CHECK (code ~ '^[A-Z0-9_]{1,32}$'),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    scope       text NOT NULL CHECK (scope IN ('state', 'district', 'list', 'municipality')),
    seats       integer NOT NULL CHECK (seats > 0),
    PRIMARY KEY (process_id, code)
);

-- Parties, coalitions and common candidacies of the process file, plus the independent
-- candidacies (kind 'independiente'), which the registration system introduces with their
-- first candidacy. Kinds are PostulatingEntity.Kind's raw values.
CREATE TABLE postulating_entities (
    process_id  text NOT NULL REFERENCES election_processes (id),
    kind        text NOT NULL CHECK (kind IN ('partido', 'coalicion', 'candidatura_comun', 'independiente')),
    code        text NOT NULL CHECK (btrim(code) <> ''),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    PRIMARY KEY (process_id, kind, code)
);

-- Member parties of each coalition or common candidacy.
CREATE TABLE coalition_parties (
    process_id      text NOT NULL,
    coalition_kind  text NOT NULL CHECK (coalition_kind IN ('coalicion', 'candidatura_comun')),
    coalition_code  text NOT NULL,
    party_code      text NOT NULL,
    PRIMARY KEY (process_id, coalition_kind, coalition_code, party_code),
    FOREIGN KEY (process_id, coalition_kind, coalition_code)
        REFERENCES postulating_entities (process_id, kind, code) ON DELETE CASCADE
);
