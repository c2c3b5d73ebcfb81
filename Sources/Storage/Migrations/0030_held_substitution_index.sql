-- Every applied approval asks for held substitutions that replace its candidacy. Without an
-- index of their own that lookup scanned every pending and held event (the partial
-- `registration_events_open_idx`), so a burst of N approvals cost O(N²): 18 ms per approval
-- with 200,000 events waiting, measured. Held substitutions are few; this index holds only them.
CREATE INDEX registration_events_held_substitution_idx ON registration_events ((body ->> 'replaces_candidacy_id'))
 WHERE status = 'held' AND type = 'substitution';
