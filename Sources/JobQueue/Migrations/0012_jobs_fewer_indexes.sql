-- Each state change of a job (fetch, completion) writes a new row version and an entry in
-- every index of the table. The (kind, state) index served only staff listings and
-- statistics, which scan a table the pruner keeps small; the queue's hot paths don't use it,
-- so it is one index less to maintain per state change. See docs/BENCHMARKS.md (Queue).
DROP INDEX IF EXISTS jobs_kind_state_idx;
