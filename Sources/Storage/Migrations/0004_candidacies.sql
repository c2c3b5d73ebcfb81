-- Candidacies as the registration system (SIRC) approves them: one person in one formula
-- position for one office. Stored values are ConocelesCore's raw values.
CREATE TABLE candidacies (
    id                     text PRIMARY KEY CHECK (btrim(id) <> ''),   -- SIRC's stable key
    process_id             text NOT NULL,
    office_code            text NOT NULL,
    district               smallint CHECK (district > 0),
    municipality           text CHECK (municipality ~ '^[0-9]{3}$'),      -- INEGI key
    list_position          integer CHECK (list_position > 0),
    formula_position       text NOT NULL CHECK (formula_position IN ('propietario', 'suplente')),
    full_name              text NOT NULL CHECK (btrim(full_name) <> ''),
    gender                 text NOT NULL CHECK (gender IN ('mujer', 'hombre', 'no_binaria')),
    age_years              smallint CHECK (age_years BETWEEN 18 AND 120),
    birth_date             date,
    affirmative_action     text CHECK (affirmative_action IN (
                               'indigena', 'discapacidad', 'afromexicana', 'diversidad_sexual',
                               'migrante', 'joven', 'persona_mayor')),
    entity_kind            text NOT NULL,
    entity_code            text NOT NULL,
    status                 text NOT NULL DEFAULT 'aprobada'
                               CHECK (status IN ('aprobada', 'sustituida', 'cancelada')),
    status_changed_at      timestamptz,
    replaces_candidacy_id  text REFERENCES candidacies (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (process_id, office_code) REFERENCES offices (process_id, code),
    FOREIGN KEY (process_id, entity_kind, entity_code) REFERENCES postulating_entities (process_id, kind, code),
    -- CandidateAge: either the age in years or the birth date, never both.
    CONSTRAINT candidacies_one_age CHECK ((age_years IS NULL) <> (birth_date IS NULL)),
    CONSTRAINT candidacies_status_time CHECK ((status = 'aprobada') = (status_changed_at IS NULL)),
    CONSTRAINT candidacies_not_self_replacing CHECK (replaces_candidacy_id <> id)
);

-- Listing by office and territory (public search, monitoring).
CREATE INDEX candidacies_office_idx ON candidacies (process_id, office_code, district, municipality, list_position);
-- Compliance per party / coalition / independent.
CREATE INDEX candidacies_entity_idx ON candidacies (process_id, entity_kind, entity_code, status);
CREATE INDEX candidacies_replaces_idx ON candidacies (replaces_candidacy_id) WHERE replaces_candidacy_id IS NOT NULL;
-- Withdrawn candidacies (purge of their sensitive data).
CREATE INDEX candidacies_inactive_idx ON candidacies (status_changed_at) WHERE status <> 'aprobada';
