-- Staff's observations on one field of a profile, given when it is returned (issue 26 / 18):
-- shown on the capture portal beside the field they concern and kept, with date and author,
-- as the profile's history. `field` is a form part (`CurricularPart` ids, `foto`,
-- `identidad`); the return's general observations stay on its transition.
CREATE TABLE profile_field_observations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    candidacy_id  text NOT NULL REFERENCES candidacies (id),
    field         text NOT NULL CHECK (field ~ '^[a-z0-9_]{1,40}$'),
    observation   text NOT NULL CHECK (btrim(observation) <> '' AND length(observation) <= 2000),
    made_at       timestamptz NOT NULL,
    made_by       text NOT NULL
);
CREATE INDEX profile_field_observations_candidacy_idx ON profile_field_observations (candidacy_id, made_at DESC, id DESC);
