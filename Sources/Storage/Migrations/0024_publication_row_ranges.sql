-- Publication rows shared between snapshots. A row of `published_profiles` and
-- `published_documents` is now seen by every snapshot version in [first_version, last_version]
-- of its process, so a one-profile refresh makes a new version by closing one row and adding
-- one, instead of copying every row. The rows of the current version have last_version =
-- 9223372036854775807 (open). A full rebuild still closes all rows and writes new ones;
-- pruning deletes rows no kept version sees (there is no foreign key to the snapshot any more:
-- a row outlives the snapshot that first wrote it).
ALTER TABLE published_profiles DROP CONSTRAINT published_profiles_pkey;
ALTER TABLE published_profiles DROP CONSTRAINT published_profiles_version_fkey;
DROP INDEX published_profiles_order_idx;
ALTER TABLE published_profiles RENAME COLUMN version TO first_version;
ALTER TABLE published_profiles ADD COLUMN process_id text REFERENCES election_processes (id),
                               ADD COLUMN last_version bigint;
-- Display order; a one-profile refresh places a new candidacy between its neighbours' keys.
ALTER TABLE published_profiles ALTER COLUMN sort_key TYPE double precision;

ALTER TABLE published_documents DROP CONSTRAINT published_documents_pkey;
ALTER TABLE published_documents DROP CONSTRAINT published_documents_version_fkey;
ALTER TABLE published_documents RENAME COLUMN version TO first_version;
ALTER TABLE published_documents ADD COLUMN process_id text REFERENCES election_processes (id),
                                ADD COLUMN last_version bigint;

UPDATE published_profiles p
   SET process_id = s.process_id,
       last_version = CASE WHEN st.current_version = p.first_version THEN 9223372036854775807 ELSE p.first_version END
  FROM publication_snapshots s LEFT JOIN publication_state st ON st.process_id = s.process_id
 WHERE s.version = p.first_version;
UPDATE published_documents p
   SET process_id = s.process_id,
       last_version = CASE WHEN st.current_version = p.first_version THEN 9223372036854775807 ELSE p.first_version END
  FROM publication_snapshots s LEFT JOIN publication_state st ON st.process_id = s.process_id
 WHERE s.version = p.first_version;

ALTER TABLE published_profiles ALTER COLUMN process_id SET NOT NULL, ALTER COLUMN last_version SET NOT NULL,
    ADD CONSTRAINT published_profiles_range CHECK (first_version <= last_version),
    ADD PRIMARY KEY (process_id, candidacy_id, first_version);
ALTER TABLE published_documents ALTER COLUMN process_id SET NOT NULL, ALTER COLUMN last_version SET NOT NULL,
    ADD CONSTRAINT published_documents_range CHECK (first_version <= last_version),
    ADD PRIMARY KEY (process_id, candidacy_id, first_version);
-- Readers of the current version ask for the open rows, in display order.
CREATE INDEX published_profiles_live_idx ON published_profiles (process_id, last_version, sort_key);
-- Closing the open rows (a rebuild) and pruning (every switch) find documents by range too.
CREATE INDEX published_documents_live_idx ON published_documents (process_id, last_version);
