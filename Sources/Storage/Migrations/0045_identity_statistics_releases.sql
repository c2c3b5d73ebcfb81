-- Identity statistics released on a schedule (issue 19; docs/STATISTICS.md). Until now each
-- publication snapshot stored its own identity tables, computed at every rebuild and shown
-- with only a row threshold: counts of 1 to 4 were published, hidden rows could be recovered
-- by subtraction, and two snapshots a profile apart told that person's answers.
--
-- Now `statistics.release` computes the tables at most once per
-- `publication.statistics_refresh_hours` (daily by default), already protected by
-- ConocelesCore.DisclosureControl, and stores them here; the publication snapshot made at that
-- moment (and every later one until the next release) points at the release it shows, so all
-- the pages, files and API of one version show the same release. The unprotected tables of the
-- old snapshots are dropped.
CREATE TABLE identity_statistics_releases (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_id         text NOT NULL REFERENCES election_processes (id),
    released_at        timestamptz NOT NULL,
    profiles           integer NOT NULL CHECK (profiles >= 0),
    -- ConocelesCore.IdentityRelease: the tables as published (reserved counts are null).
    tables             jsonb NOT NULL CHECK (jsonb_typeof(tables) = 'object'),
    -- The people counted (row of each table and answers), sealed like the identity answers
    -- (context "estadisticas:<process>"), so the next release is protected together with this
    -- one. Only the newest release keeps it; it is replaced at every release.
    roster_ciphertext  bytea CHECK (octet_length(roster_ciphertext) > 16),
    roster_nonce       bytea CHECK (octet_length(roster_nonce) = 12),
    roster_key_id      text,
    CHECK ((roster_ciphertext IS NULL) = (roster_nonce IS NULL) AND (roster_nonce IS NULL) = (roster_key_id IS NULL))
);
CREATE INDEX identity_statistics_releases_process_idx ON identity_statistics_releases (process_id, id);

ALTER TABLE publication_snapshots ADD COLUMN statistics_release_id bigint REFERENCES identity_statistics_releases (id);
ALTER TABLE publication_snapshots DROP COLUMN identity_statistics;
