-- The electoral processes this database serves, registered at start-up from
-- config/processes/<id>.yaml. Offices, parties and candidacies refer to a process.
CREATE TABLE election_processes (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    entity      text NOT NULL,
    time_zone   text NOT NULL,
    definition  jsonb NOT NULL,         -- the process file as loaded, for audit and reports
    loaded_at   timestamptz NOT NULL DEFAULT now()
);
