-- An insert skipped as a duplicate looks up the job that holds its unique key (JobClient's
-- insertMany). Both unique indexes are partial (live states; window scope), so that lookup
-- scanned the whole jobs table: 4.8 ms per approval at 8,000 events (each approval asks for a
-- windowed publication rebuild, a duplicate almost always), growing with the table, i.e.
-- O(N²) over a burst. This index serves the lookup in any state.
CREATE INDEX jobs_unique_key_idx ON jobs (unique_key, id) WHERE unique_key IS NOT NULL;
