-- The public data, as versioned snapshots built by `publication.rebuild`: the portal, the open
-- data and the public API read only the current snapshot, never the drafts. A snapshot is
-- written whole and then made current by updating one row (`publication_state`) in the same
-- transaction, so readers see either the old version or the new one, never a mix.
CREATE TABLE publication_snapshots (
    version              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_id           text NOT NULL REFERENCES election_processes (id),
    built_at             timestamptz NOT NULL,
    listed_count         integer NOT NULL CHECK (listed_count >= 0),     -- approved, active candidacies
    published_count      integer NOT NULL CHECK (published_count >= 0),  -- of which with a published profile
    -- Aggregated identity statistics (counts by office, party and gender; never an answer of a person).
    identity_statistics  jsonb NOT NULL CHECK (jsonb_typeof(identity_statistics) = 'array')
);
CREATE INDEX publication_snapshots_process_idx ON publication_snapshots (process_id, version);

-- One row per listed candidacy of a snapshot: the columns the search filters on. Narrow on
-- purpose (a search scans them); the documents are in `published_documents`.
CREATE TABLE published_profiles (
    version             bigint NOT NULL REFERENCES publication_snapshots (version) ON DELETE CASCADE,
    candidacy_id        text NOT NULL,
    has_profile         boolean NOT NULL,
    search_name         text NOT NULL,     -- lower case, without accents
    office_code         text NOT NULL,
    entity_kind         text NOT NULL,
    entity_code         text NOT NULL,
    district            smallint,
    municipality        text,
    gender              text,              -- gender and age only with a published profile
    age_years           smallint,
    education           text,
    affirmative_action  text,
    sort_key            integer NOT NULL,  -- office, territory, list, entity, formula order of the build
    PRIMARY KEY (version, candidacy_id)
);
CREATE INDEX published_profiles_order_idx ON published_profiles (version, sort_key);

-- The public document of each listed candidacy (ConocelesCore.PublishedProfile): only what
-- may be public, read by primary key for a profile or a page of results.
CREATE TABLE published_documents (
    version       bigint NOT NULL REFERENCES publication_snapshots (version) ON DELETE CASCADE,
    candidacy_id  text NOT NULL,
    document      jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    PRIMARY KEY (version, candidacy_id)
);

-- The current snapshot of each process and the count of rebuild requests (bumped with every
-- enqueue, so a rebuild that started before a request knows to run again).
CREATE TABLE publication_state (
    process_id        text PRIMARY KEY REFERENCES election_processes (id),
    current_version   bigint REFERENCES publication_snapshots (version),
    switched_at       timestamptz,
    rebuild_requests  bigint NOT NULL DEFAULT 0 CHECK (rebuild_requests >= 0)
);
